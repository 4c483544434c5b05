import type { RewardsFile } from '../../../../lib/rewardsFile.js';

/** A reward proofs file (scripts/rewards.ts output; the shape is lib/rewardsFile.ts). */
export type ProofFile = RewardsFile;

/** Fetches a proof file from an epoch's uri (http(s) or a same-origin path). */
export async function fetchProofFile(uri: string): Promise<ProofFile> {
  const res = await fetch(uri, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${uri} answered ${res.status}`);
  return (await res.json()) as ProofFile;
}
