/** Reward proof files (scripts/rewards.ts output, format blive-rewards-v2). */
export interface ProofFile {
  format: string;
  /** The chain id the leaves are bound to, decimal. */
  chainId: string;
  /** The RewardPool the leaves are bound to, base58. */
  pool: string;
  epochId: string;
  root: string;
  total?: string;
  claims: {
    index: number;
    account: string;
    amount: string;
    category: number;
    categoryName?: string;
    proof: string[];
  }[];
}

/** Fetches a proof file from an epoch's uri (http(s) or a same-origin path). */
export async function fetchProofFile(uri: string): Promise<ProofFile> {
  const res = await fetch(uri, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${uri} answered ${res.status}`);
  return (await res.json()) as ProofFile;
}
