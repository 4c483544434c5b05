declare module 'virtual:blive-abis' {
  const abis: Record<'Profiles' | 'GiftVault' | 'RewardPool' | 'MockBTT', import('./lib/chain/errors.js').AbiEntry[]>;
  export default abis;
}
