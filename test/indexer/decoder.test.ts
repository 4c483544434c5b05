/**
 * The decoder on hand-made blocks: arguments normalised (base58, decimal strings), logs of other
 * contracts and of failed transactions ignored, an unknown log of ours fatal, and how a gift was
 * paid worked out from the transaction, including calls through another contract (a router).
 */
import { strict as assert } from 'node:assert';
import path from 'node:path';
import { utils as tronUtils } from 'tronweb';
import { toBase58, ZERO_ADDRESS } from '../../lib/address.js';
import { PROJECT_ROOT } from '../../lib/config.js';
import type { Deployment } from '../../lib/deployments.js';
import { FatalError } from '../../lib/errors.js';
import { createDecoder, type FetchedBlock } from '../../indexer/sync/decoder.js';
import type { NodeInternalTx, NodeLog, NodeTxInfo } from '../../indexer/sync/tronClient.js';
import { artifact } from '../helpers/devnet.js';

const hex = (n: number): string => `41${n.toString(16).padStart(40, '0')}`;
const VAULT = hex(0xa1);
const POOL = hex(0xa2);
const PROFILES = hex(0xa3);
const TOKEN = hex(0xb1);
const ALICE = hex(0x11);
const BOB = hex(0x12);
const ZERO_HEX = `41${'0'.repeat(40)}`;

const vaultAbi = new tronUtils.ethersUtils.Interface(artifact('GiftVault').abi as never);
const tokenAbi = new tronUtils.ethersUtils.Interface(artifact('MockBTT').abi as never);
const evm = (h: string): string => `0x${h.slice(2)}`;

function log(address: string, iface: typeof vaultAbi, name: string, args: unknown[]): NodeLog {
  const { topics, data } = iface.encodeEventLog(name, args);
  return { address: address.slice(2), topics: topics.map((t: string) => t.slice(2)), data: data.slice(2) };
}

function giftSent(sender: string, token: string, total: bigint, fromVault: boolean): NodeLog {
  const b = (total * 3n) / 10n;
  const p = total / 10n;
  return log(VAULT, vaultAbi, 'GiftSent', [
    evm(sender),
    evm(ALICE),
    1n,
    1n,
    evm(token),
    total,
    b,
    p,
    total - b - p,
    7n,
    1_800_000_000n,
    fromVault,
  ]);
}

function block(
  txs: {
    logs: NodeLog[];
    internal?: NodeInternalTx[];
    success?: boolean;
    to?: string;
    owner?: string;
    value?: bigint;
    fees?: NodeTxInfo['fees'];
  }[],
): FetchedBlock {
  return {
    block: {
      number: 10,
      hash: 'ab'.repeat(32),
      parentHash: 'cd'.repeat(32),
      timestamp: 1_700_000_000_000,
      txs: txs.map((t, i) => ({
        txId: `${i}`.padStart(64, '0'),
        type: 'TriggerSmartContract',
        owner: t.owner ?? BOB,
        contract: t.to ?? VAULT,
        callValue: t.value ?? 0n,
      })),
    },
    infos: txs.map((t, i) => ({
      txId: `${i}`.padStart(64, '0'),
      blockNumber: 10,
      success: t.success ?? true,
      logs: t.logs,
      internal: t.internal ?? [],
      ...(t.fees ? { fees: t.fees } : {}),
    })),
  };
}

describe('indexer: decoder', function () {
  const deployment: Deployment = {
    network: 'unit',
    deployBlock: 1,
    contracts: {
      Profiles: { address: toBase58(PROFILES), abiPath: path.join(PROJECT_ROOT, 'build/contracts/Profiles.json') },
      GiftVault: { address: toBase58(VAULT), abiPath: path.join(PROJECT_ROOT, 'build/contracts/GiftVault.json') },
      RewardPool: { address: toBase58(POOL), abiPath: path.join(PROJECT_ROOT, 'build/contracts/RewardPool.json') },
    },
    tokens: {},
  };
  const decoder = createDecoder(deployment);

  it('decodes our logs with base58 addresses and decimal amounts, in chain order', function () {
    const { block: b, events } = decoder.decodeBlock(
      block([{ logs: [log(VAULT, vaultAbi, 'Deposited', [evm(BOB), evm(TOKEN), 10n ** 30n])] }]),
    );
    assert.deepEqual(b, {
      number: 10,
      hash: 'ab'.repeat(32),
      parentHash: 'cd'.repeat(32),
      timestamp: 1_700_000_000_000,
    });
    assert.deepEqual(events, [
      {
        blockNumber: 10,
        txIndex: 0,
        logIndex: 0,
        txId: '0'.repeat(64),
        timestamp: 1_700_000_000_000,
        contract: 'GiftVault',
        address: toBase58(VAULT),
        eventName: 'Deposited',
        args: { user: toBase58(BOB), token: toBase58(TOKEN), amount: String(10n ** 30n) },
      },
    ]);
  });

  it('ignores logs of other contracts and of failed transactions', function () {
    const { events } = decoder.decodeBlock(
      block([
        { logs: [log(TOKEN, tokenAbi, 'Transfer', [evm(BOB), evm(VAULT), 5n])] },
        { logs: [log(VAULT, vaultAbi, 'Deposited', [evm(BOB), evm(TOKEN), 5n])], success: false },
      ]),
    );
    assert.deepEqual(events, []);
  });

  it("says who paid for each transaction with events of ours: the caller's and the deployer's energy, burned sun", function () {
    const fees = {
      fee: 345_000n,
      energyUsage: 0,
      energyFee: 300_000n,
      originEnergyUsage: 40_000,
      energyUsageTotal: 43_000,
      netUsage: 0,
      netFee: 45_000n,
    };
    const deposited = log(VAULT, vaultAbi, 'Deposited', [evm(BOB), evm(TOKEN), 5n]);
    const { fees: rows } = decoder.decodeBlock(
      block([
        { logs: [log(TOKEN, tokenAbi, 'Transfer', [evm(BOB), evm(VAULT), 5n])], fees },
        { logs: [deposited], fees, owner: ALICE },
        { logs: [deposited], success: false, fees },
        { logs: [deposited, deposited] },
      ]),
    );
    assert.deepEqual(rows, [
      {
        txId: '1'.padStart(64, '0'),
        blockNumber: 10,
        txIndex: 1,
        caller: toBase58(ALICE),
        contract: toBase58(VAULT),
        energyTotal: 43_000,
        callerEnergy: 0,
        deployerEnergy: 40_000,
        energyFee: 300_000n,
        netUsage: 0,
        netFee: 45_000n,
        fee: 345_000n,
      },
      {
        txId: '3'.padStart(64, '0'),
        blockNumber: 10,
        txIndex: 3,
        caller: toBase58(BOB),
        contract: toBase58(VAULT),
        energyTotal: 0,
        callerEnergy: 0,
        deployerEnergy: 0,
        energyFee: 0n,
        netUsage: 0,
        netFee: 0n,
        fee: 0n,
      },
    ]);
  });

  it('fails on a log of our contract that its ABI does not know', function () {
    const unknown: NodeLog = { address: VAULT.slice(2), topics: ['ee'.repeat(32)], data: '' };
    assert.throws(
      () => decoder.decodeBlock(block([{ logs: [unknown] }])),
      (e: unknown) =>
        e instanceof FatalError &&
        /unknown log of GiftVault/.test(e.message) &&
        (e as FatalError).context.log_index === 0,
    );
  });

  it('decodes GiftSent with every field of the receipt, fromVault a boolean', function () {
    const { events } = decoder.decodeBlock(
      block([{ logs: [giftSent(BOB, TOKEN, 100n, false)] }, { logs: [giftSent(BOB, ZERO_HEX, 5n, true)] }]),
    );
    assert.deepEqual(
      events.map((e) => e.args),
      [
        {
          sender: toBase58(BOB),
          broadcaster: toBase58(ALICE),
          giftId: '1',
          quantity: '1',
          token: toBase58(TOKEN),
          total: '100',
          broadcasterAmount: '30',
          poolAmount: '10',
          platformAmount: '60',
          streamId: '7',
          releaseAt: '1800000000',
          fromVault: false,
        },
        {
          sender: toBase58(BOB),
          broadcaster: toBase58(ALICE),
          giftId: '1',
          quantity: '1',
          token: ZERO_ADDRESS,
          total: '5',
          broadcasterAmount: '1',
          poolAmount: '0',
          platformAmount: '4',
          streamId: '7',
          releaseAt: '1800000000',
          fromVault: true,
        },
      ],
    );
  });
});
