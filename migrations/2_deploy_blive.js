// Deploys BLive (Profiles, RewardPool, GiftVault; mock BTT and USDT on the devnet), wires the
// token allow-list and the gift catalog from config/, and writes deployments/<network>.json.
const fs = require('node:fs');
const path = require('node:path');

// The names are written once, in lib/contractNames.ts; tsx (a dependency) loads it here.
const { require: requireTs } = require('tsx/cjs/api');
const { CONTRACT_NAMES, MOCK_TOKEN_NAMES } = requireTs('../lib/contractNames.ts', __filename);
const { sponsorshipFor } = requireTs('../lib/sponsorship.ts', __filename);

const artifactOf = Object.fromEntries([...CONTRACT_NAMES, ...MOCK_TOKEN_NAMES].map((n) => [n, artifacts.require(n)]));
// The constructors wire these by name; a name added to the lists but not deployed below fails
// when its address is read for the deployments file.
const { Profiles, RewardPool, GiftVault, MockBTT, MockUSDT } = artifactOf;

const root = path.resolve(__dirname, '..');
const deployConfig = JSON.parse(fs.readFileSync(path.join(root, 'config', 'deploy.json'), 'utf8'));
const catalog = JSON.parse(fs.readFileSync(path.join(root, 'config', 'catalog.json'), 'utf8'));

function tokensFor(network) {
  const net = deployConfig.networks[network];
  if (!net) throw new Error(`config/deploy.json has no network "${network}"`);
  if (net.tokens === 'mocks') return undefined;
  const btt = process.env.BLIVE_BTT_ADDRESS || net.tokens.BTT;
  const usdt = process.env.BLIVE_USDT_ADDRESS || net.tokens.USDT;
  if (!btt || !usdt) {
    throw new Error(
      `no BTT/USDT addresses for "${network}": set them in config/deploy.json or BLIVE_BTT_ADDRESS and BLIVE_USDT_ADDRESS`,
    );
  }
  return { BTT: btt, USDT: usdt };
}

module.exports = async function (deployer, network) {
  const p = deployConfig.defaults;
  // BLive's own contracts share the deployer's staked energy with their callers (tronbox reads a
  // last object argument as deploy options); the mock tokens stand for BTT and USDT, which share
  // nothing, so they keep the network's userFeePercentage of 100.
  const terms = sponsorshipFor(deployConfig, network, process.env);
  const shared = { userFeePercentage: terms.userFeePercent, originEnergyLimit: terms.originEnergyLimit };
  const admin = tronWeb.defaultAddress.base58;
  const startBlock = (await tronWeb.trx.getCurrentBlock()).block_header.raw_data.number;

  let tokens = tokensFor(network);
  if (!tokens) {
    await deployer.deploy(MockBTT);
    await deployer.deploy(MockUSDT);
    tokens = { BTT: tronWeb.address.fromHex(MockBTT.address), USDT: tronWeb.address.fromHex(MockUSDT.address) };
  }

  await deployer.deploy(Profiles, shared);
  await deployer.deploy(RewardPool, admin, shared);
  const split = [p.split.broadcasterBps, p.split.poolBps, p.split.platformBps];
  await deployer.deploy(
    GiftVault,
    admin,
    Profiles.address,
    RewardPool.address,
    p.broadcasterFloorBps,
    p.noticePeriod,
    split,
    p.holdPeriod,
    shared,
  );

  const vault = await GiftVault.deployed();
  await vault.setTokenAllowed(tokens.BTT, true);
  await vault.setTokenAllowed(tokens.USDT, true);
  const tokenAddress = { TRX: 'T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb', BTT: tokens.BTT, USDT: tokens.USDT };
  for (const g of catalog.gifts) {
    const uri = `data:application/json,${JSON.stringify({ name: g.name, animation: g.animation })}`;
    await vault.setGift(g.id, tokenAddress[g.token], g.price, true, uri);
  }

  const b58 = (a) => (a.startsWith('T') ? a : tronWeb.address.fromHex(a));
  const deployed = tokensFor(network) ? CONTRACT_NAMES : [...CONTRACT_NAMES, ...MOCK_TOKEN_NAMES];
  const out = {
    network,
    fullHost: tronWeb.fullNode.host,
    deployBlock: startBlock,
    deployedAt: new Date().toISOString(),
    contracts: Object.fromEntries(
      deployed.map((name) => [name, { address: b58(artifactOf[name].address), abi: `build/contracts/${name}.json` }]),
    ),
    tokens: { TRX: tokenAddress.TRX, BTT: tokens.BTT, USDT: tokens.USDT },
  };
  // BLIVE_DEPLOYMENTS_DIR: somewhere else than deployments/ (tests and throwaway platforms).
  const outDir = process.env.BLIVE_DEPLOYMENTS_DIR
    ? path.resolve(process.env.BLIVE_DEPLOYMENTS_DIR)
    : path.join(root, 'deployments');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, `${network}.json`), `${JSON.stringify(out, null, 2)}\n`);
};
