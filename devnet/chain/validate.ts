/**
 * The checks a transaction passes before it executes, in java-tron's order and with its messages:
 * the signature, the TaPoS reference block, the size, the expiration and duplicates. Pure
 * functions; chain.ts calls them when it accepts a broadcast (a replay after a reorg checks only
 * the signature).
 */
import type { Block } from './types.js';
import { TxRejected } from './errors.js';
import { RESULT_SIZE } from './resources.js';
import { type SignedTx, recoverSigner, signedTxSize } from './tx.js';
import { toBase58 } from '../../lib/address.js';

const MAX_TX_BYTES = 500 * 1024;
const MAX_EXPIRATION_MS = 86_400_000;

/** Refuses a transaction not signed by `owner` (unless the devnet unlocked that account). */
export function checkSignature(tx: SignedTx, owner: string, unlocked: ReadonlySet<string>): void {
  if (unlocked.has(owner)) return;
  if (tx.signatures.length === 0) throw TxRejected.signature('miss sig or contract');
  if (tx.signatures.length > 5) throw TxRejected.signature('too many signatures');
  if (tx.raw.permissionId !== 0) throw TxRejected.signature("permission isn't exit");
  if (tx.signatures.length > 1) {
    throw TxRejected.signature(`Signature count is ${tx.signatures.length} more than key counts of permission : 1`);
  }
  const sig = tx.signatures[0]!;
  if (sig.length / 2 < 65 || sig.length / 2 > 68) throw TxRejected.signature(`Signature size is ${sig.length / 2}`);
  const signer = recoverSigner(tx.txID, sig.slice(0, 130));
  if (!signer) throw TxRejected.signature('sig error');
  if (signer !== owner) {
    throw TxRejected.signature(`${tx.txID} is signed by ${toBase58(signer)} but it is not contained of permission.`);
  }
}

/** Refuses a transaction whose reference block is not on this chain (below `head`). */
export function checkTapos(tx: SignedTx, head: number, blockAt: (n: number) => Block | undefined): void {
  const refNum = parseInt(tx.raw.refBlockBytes || '0', 16);
  // The most recent block whose height ends in these two bytes.
  let n = (head & ~0xffff) | refNum;
  if (n > head) n -= 0x10000;
  const block = n >= 0 ? blockAt(n) : undefined;
  if (!block || block.id.slice(16, 32) !== tx.raw.refBlockHash)
    throw new TxRejected('TAPOS_ERROR', 'Tapos check error.');
}

/** Refuses a transaction too big, expired (against the head block's time) or already seen. */
export function checkEnvelope(tx: SignedTx, headTime: number, seen: (txid: string) => boolean): void {
  const size = signedTxSize(tx);
  if (size + RESULT_SIZE * 2 > MAX_TX_BYTES) {
    throw new TxRejected(
      'TOO_BIG_TRANSACTION_ERROR',
      `Too big transaction with result, TxId ${tx.txID}, the size is ${size + RESULT_SIZE * 2} bytes, maxTxSize ${MAX_TX_BYTES}`,
    );
  }
  if (tx.raw.expiration <= headTime || tx.raw.expiration > headTime + MAX_EXPIRATION_MS) {
    throw new TxRejected('TRANSACTION_EXPIRATION_ERROR', 'Transaction expired');
  }
  if (seen(tx.txID)) {
    throw new TxRejected('DUP_TRANSACTION_ERROR', 'Dup transaction.');
  }
}
