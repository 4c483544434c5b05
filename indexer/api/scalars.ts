/** The API's scalars: BigInt (a bigint inside, a decimal string on the wire) and Address (base58). */
import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { toHex41 } from '../../lib/address.js';
import { apiError } from './context.js';

const BASE58 = /^T[1-9A-HJ-NP-Za-km-z]{33}$/;

/** `s` if it is a valid base58 TRON address, else a BAD_ADDRESS error. */
export function parseAddress(s: unknown): string {
  if (typeof s === 'string' && BASE58.test(s) && toHex41(s) !== undefined) return s;
  throw apiError('BAD_ADDRESS', `not a base58 TRON address: ${JSON.stringify(s)}`);
}

function parseBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d{1,80}$/.test(v)) return BigInt(v);
  throw apiError('BAD_BIGINT', `not an integer: ${JSON.stringify(v)}`);
}

function literal(node: ValueNode): unknown {
  return node.kind === Kind.STRING || node.kind === Kind.INT ? node.value : undefined;
}

export const scalars = {
  BigInt: new GraphQLScalarType({
    name: 'BigInt',
    description: 'An exact integer, serialised as a decimal string.',
    serialize: (v) => parseBigInt(v).toString(),
    parseValue: parseBigInt,
    parseLiteral: (node) => parseBigInt(literal(node)),
  }),
  Address: new GraphQLScalarType({
    name: 'Address',
    description: 'A TRON address in base58 (T...).',
    serialize: (v) => String(v),
    parseValue: parseAddress,
    parseLiteral: (node) => parseAddress(literal(node)),
  }),
};
