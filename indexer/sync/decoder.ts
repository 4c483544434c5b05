/**
 * Decodes the logs of a block into raw events of the three BLive contracts, with the artifacts'
 * ABIs: addresses base58, integers as decimal strings. Logs of other contracts are ignored; a log
 * of ours that its ABI does not know is a fatal error (a new contract version nobody told us of).
 */
import { readFileSync } from 'node:fs';
import { utils as tronUtils } from 'tronweb';
import { CONTRACT_NAMES, type ContractName, type Deployment } from '../../lib/deployments.js';
import { toBase58, toHex41 } from '../../lib/address.js';
import { FatalError, RetryableError } from '../../lib/errors.js';
import type { EventArgs, RawBlock, RawEvent, RawTxFees } from '../store/raw.js';
import type { NodeBlock, NodeTx, NodeTxInfo } from './tronClient.js';

interface EventInput {
  name: string;
  type: string;
}

interface EventFragmentLike {
  name: string;
  inputs: readonly EventInput[];
}

interface KnownContract {
  name: ContractName;
  base58: string;
  events: Map<string, EventFragmentLike>;
  iface: InstanceType<typeof tronUtils.ethersUtils.Interface>;
}

/** A block fetched from the node with its transaction infos. */
export interface FetchedBlock {
  block: NodeBlock;
  infos: NodeTxInfo[];
}

export interface Decoder {
  /**
   * The block's header, the decoded events of our contracts in chain order, and who paid for
   * each transaction that emitted them.
   */
  decodeBlock(fetched: FetchedBlock): { block: RawBlock; events: RawEvent[]; fees: RawTxFees[] };
}

function normalize(value: unknown, type: string): string | boolean {
  if (type === 'address') return toBase58(`41${String(value).slice(2).toLowerCase()}`);
  if (type === 'bool') return Boolean(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return type.startsWith('bytes') ? value.toLowerCase() : value;
  if (typeof value === 'number') return String(value);
  throw new FatalError(`cannot store an event argument of type ${type}`);
}

/** The raw_tx_fees row of a transaction (an absent receipt paid nothing). */
function feeRow(blockNumber: number, txIndex: number, tx: NodeTx, info: NodeTxInfo): RawTxFees {
  const f = info.fees;
  return {
    txId: tx.txId,
    blockNumber,
    txIndex,
    caller: toBase58(tx.owner!),
    contract: tx.contract ? toBase58(tx.contract) : null,
    energyTotal: f?.energyUsageTotal ?? 0,
    callerEnergy: f?.energyUsage ?? 0,
    deployerEnergy: f?.originEnergyUsage ?? 0,
    energyFee: f?.energyFee ?? 0n,
    netUsage: f?.netUsage ?? 0,
    netFee: f?.netFee ?? 0n,
    fee: f?.fee ?? 0n,
  };
}

/** Creates a decoder for the deployment's contracts (ABIs read from their artifacts). */
export function createDecoder(deployment: Deployment): Decoder {
  const byHex = new Map<string, KnownContract>();
  for (const name of CONTRACT_NAMES) {
    const c = deployment.contracts[name];
    let abi: unknown[];
    try {
      abi = (JSON.parse(readFileSync(c.abiPath, 'utf8')) as { abi: unknown[] }).abi;
    } catch (e) {
      throw new FatalError(`cannot read the ABI of ${name} at ${c.abiPath} (run npx tronbox compile)`, { cause: e });
    }
    const iface = new tronUtils.ethersUtils.Interface(abi as never);
    const events = new Map<string, EventFragmentLike>();
    iface.forEachEvent((ev: { topicHash: string; name: string; inputs: readonly EventInput[] }) => {
      events.set(ev.topicHash.slice(2).toLowerCase(), ev);
    });
    byHex.set(toHex41(c.address)!.slice(2), { name, base58: c.address, events, iface });
  }

  function decodeLog(
    known: KnownContract,
    topics: string[],
    data: string,
    where: Record<string, unknown>,
  ): { eventName: string; args: EventArgs } {
    const fragment = known.events.get(topics[0] ?? '');
    if (!fragment)
      throw new FatalError(`unknown log of ${known.name} (topic ${topics[0] ?? 'none'})`, { context: where });
    let decoded: ArrayLike<unknown>;
    try {
      decoded = known.iface.decodeEventLog(
        fragment as never,
        `0x${data}`,
        topics.map((t) => `0x${t}`),
      );
    } catch (e) {
      throw new FatalError(`cannot decode ${known.name}.${fragment.name}`, { cause: e, context: where });
    }
    const args: EventArgs = {};
    fragment.inputs.forEach((input, i) => {
      args[input.name] = normalize(decoded[i], input.type);
    });
    return { eventName: fragment.name, args };
  }

  return {
    decodeBlock({ block, infos }) {
      const raw: RawBlock = {
        number: block.number,
        hash: block.hash,
        parentHash: block.parentHash,
        timestamp: block.timestamp,
      };
      const events: RawEvent[] = [];
      const fees: RawTxFees[] = [];
      if (infos.length !== block.txs.length) {
        throw new RetryableError(
          `block ${block.number} has ${block.txs.length} transactions but ${infos.length} infos`,
          { context: { block_number: block.number } },
        );
      }
      infos.forEach((info, txIndex) => {
        const tx = block.txs[txIndex]!;
        if (info.txId !== tx.txId)
          throw new RetryableError(
            `transaction ${txIndex} of block ${block.number} is ${tx.txId} but its info is ${info.txId}`,
          );
        if (!info.success || info.logs.length === 0) return;
        const before = events.length;
        info.logs.forEach((log, logIndex) => {
          const known = byHex.get(log.address);
          if (!known) return;
          const where = { block_number: block.number, tx_id: tx.txId, tx_index: txIndex, log_index: logIndex };
          const { eventName, args } = decodeLog(known, log.topics, log.data, where);
          events.push({
            blockNumber: block.number,
            txIndex,
            logIndex,
            txId: tx.txId,
            timestamp: block.timestamp,
            contract: known.name,
            address: known.base58,
            eventName,
            args,
          });
        });
        if (events.length > before && tx.owner) fees.push(feeRow(block.number, txIndex, tx, info));
      });
      return { block: raw, events, fees };
    },
  };
}
