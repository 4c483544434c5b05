/** /ledger.csv: the ledger filtered by the query string, streamed in keyset chunks. */
import { GraphQLError } from 'graphql';
import type { ApiDb } from './apiDb.js';
import type { LedgerFilter } from './generated/types.js';
import { decimalText } from '../../lib/units.js';
import { json } from './http.js';
import { ledgerChunks, ledgerWhere, type LedgerRow } from './queries/ledger.js';
import { type TxFeesRow, txFeesIn } from './queries/sessions.js';
import type { Where } from './queries/sql.js';
import { finalBlock } from './queries/status.js';
import { txFeesNode } from './resolvers/sessions.js';

const CSV_COLUMNS = [
  'tx_id',
  'block_number',
  'tx_index',
  'log_index',
  'entry_index',
  'timestamp',
  'kind',
  'account',
  'side',
  'token',
  'amount',
  'finality',
] as const;
/** Who paid for the entry's transaction (empty when not recorded): raw_tx_fees, see TxFees in the SDL. */
const FEE_COLUMNS = [
  'energy_paid_by',
  'caller',
  'caller_energy',
  'deployer_energy',
  'energy_fee',
  'bandwidth',
  'bandwidth_fee',
  'fee',
] as const;
const CSV_CHUNK = 500;

/** A token as the human export names it (the deployment's symbol, decimals from config/deploy.json). */
export interface CsvToken {
  address: string;
  symbol: string;
  decimals: number;
}

/**
 * `?units=token`: the same rows for a reader, not a program. Amounts in token units with the
 * decimals applied, the token's symbol, ISO 8601 times (UTC), and the fee in TRX. A token the
 * deployment does not name keeps its address as symbol and its amount in base units (exact).
 */
const HUMAN_COLUMNS = [
  'time',
  'tx_id',
  'block_number',
  'kind',
  'account',
  'side',
  'amount',
  'symbol',
  'finality',
  'energy_paid_by',
  'caller',
  'fee_trx',
  'energy',
  'bandwidth',
] as const;
const TRX_DECIMALS = 6;

function csvField(v: unknown): string {
  const s = String(v ?? '');
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvLine(r: LedgerRow, final: number, fees: TxFeesRow | undefined): string {
  const f = fees && txFeesNode(fees);
  const feeFields: Record<(typeof FEE_COLUMNS)[number], unknown> = {
    energy_paid_by: f?.energyPaidBy,
    caller: f?.caller,
    caller_energy: f?.callerEnergy,
    deployer_energy: f?.deployerEnergy,
    energy_fee: f?.energyFee,
    bandwidth: f?.bandwidth,
    bandwidth_fee: f?.bandwidthFee,
    fee: f?.fee,
  };
  return [
    ...CSV_COLUMNS.map((c) => (c === 'finality' ? (r.block_number <= final ? 'FINAL' : 'PENDING') : r[c])),
    ...FEE_COLUMNS.map((c) => feeFields[c]),
  ]
    .map(csvField)
    .join(',');
}

function humanLine(r: LedgerRow, final: number, fees: TxFeesRow | undefined, tokens: Map<string, CsvToken>): string {
  const f = fees && txFeesNode(fees);
  const t = tokens.get(r.token);
  const energy = f ? BigInt(f.callerEnergy ?? 0) + BigInt(f.deployerEnergy ?? 0) : undefined;
  const fields: Record<(typeof HUMAN_COLUMNS)[number], unknown> = {
    time: new Date(r.timestamp).toISOString(),
    tx_id: r.tx_id,
    block_number: r.block_number,
    kind: r.kind,
    account: r.account,
    side: r.side,
    amount: t ? decimalText(r.amount, t.decimals) : r.amount,
    symbol: t?.symbol ?? r.token,
    finality: r.block_number <= final ? 'FINAL' : 'PENDING',
    energy_paid_by: f?.energyPaidBy,
    caller: f?.caller,
    fee_trx: f ? decimalText(f.fee, TRX_DECIMALS) : undefined,
    energy,
    bandwidth: f?.bandwidth,
  };
  return HUMAN_COLUMNS.map((c) => csvField(fields[c])).join(',');
}

/** The ledger filter of a query string (times must be ms). */
function filterOf(q: URLSearchParams): LedgerFilter {
  const num = (k: string): number | null => {
    const v = q.get(k);
    if (v === null || v === '') return null;
    if (!/^\d+$/.test(v)) throw new GraphQLError(`${k} must be a time in ms`, { extensions: { code: 'BAD_ARGUMENT' } });
    return Number(v);
  };
  return {
    account: q.get('account'),
    kind: q.get('kind'),
    token: q.get('token'),
    from: num('from'),
    to: num('to'),
    txId: q.get('txId'),
  };
}

/** The CSV body: a header, then chunks pulled as the client reads (no open iterator between pulls). */
function csvStream(
  db: ApiDb,
  where: Where[],
  final: number,
  human: Map<string, CsvToken> | null,
): ReadableStream<Uint8Array> {
  const chunk = ledgerChunks(db, where, CSV_CHUNK);
  const encoder = new TextEncoder();
  let key = 0;
  let header = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const out: string[] = [];
      if (header) {
        out.push((human ? HUMAN_COLUMNS : [...CSV_COLUMNS, ...FEE_COLUMNS]).join(','));
        header = false;
      }
      const rows = await chunk(key);
      const fees = await txFeesIn(
        db,
        rows.map((r) => r.tx_id),
      );
      for (const r of rows) {
        out.push(human ? humanLine(r, final, fees.get(r.tx_id), human) : csvLine(r, final, fees.get(r.tx_id)));
        key = r.id;
      }
      if (out.length) controller.enqueue(encoder.encode(`${out.join('\n')}\n`));
      if (rows.length < CSV_CHUNK) controller.close();
    },
  });
}

/**
 * The response to GET /ledger.csv?account=&kind=&token=&from=&to=&txId=&units= (400 on a bad
 * filter): `units=base` (the default) the raw export, `units=token` the human one.
 */
export async function ledgerCsv(db: ApiDb, url: URL, tokens: readonly CsvToken[] = []): Promise<Response> {
  let where: Where[];
  const units = url.searchParams.get('units') ?? 'base';
  if (units !== 'base' && units !== 'token')
    return json(400, {
      error: { code: 'BAD_ARGUMENT', message: `units must be base or token, not ${JSON.stringify(units)}` },
    });
  const human = units === 'token' ? new Map(tokens.map((t) => [t.address, t])) : null;
  try {
    where = ledgerWhere(filterOf(url.searchParams));
  } catch (e) {
    if (e instanceof GraphQLError) return json(400, { error: { code: e.extensions.code, message: e.message } });
    throw e;
  }
  return new Response(csvStream(db, where, await finalBlock(db), human), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${human ? 'ledger-token-units.csv' : 'ledger.csv'}"`,
    },
  });
}
