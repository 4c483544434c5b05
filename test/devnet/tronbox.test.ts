/**
 * The real `tronbox migrate` against an in-process devnet: the project's migrations deploy and
 * record their progress in the Migrations contract.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { artifact, post, startDevnet, type Devnet } from '../helpers/devnet.js';
import { ROOT, tronbox, type Run } from '../helpers/tronbox.js';

/** The migrations write the deployments file into a temp folder (BLIVE_DEPLOYMENTS_DIR), never the repository's. */
const DEPLOYMENTS_DIR = mkdtempSync(path.join(tmpdir(), 'blive-deployments-'));
const DEPLOYMENTS = path.join(DEPLOYMENTS_DIR, 'development.json');
/** Number of the last migration, which tronbox records in Migrations when it completes. */
const LAST_MIGRATION = Math.max(
  ...readdirSync(path.join(ROOT, 'migrations'))
    .map((f) => Number.parseInt(f, 10))
    .filter(Number.isInteger),
);

describe('when tronbox migrates the development network', () => {
  let devnet: Devnet;
  let run: Run;
  let migrations: string;

  before(async function () {
    this.timeout(55_000);
    devnet = await startDevnet({ blockTime: 0, solidityLag: 0 });
    run = await tronbox(['migrate', '--network', 'development', '--reset'], {
      DEVNET_URL: devnet.url,
      BLIVE_DEPLOYMENTS_DIR: DEPLOYMENTS_DIR,
    });
  });

  after(async () => {
    await devnet.close();
    rmSync(DEPLOYMENTS_DIR, { recursive: true, force: true });
  });

  it('exits with 0 and prints the Migrations address', () => {
    assert.equal(run.code, 0, `tronbox failed:\n${run.stdout}\n${run.stderr}`);
    const m = /Migrations:\s*\(base58\)\s*(T[1-9A-HJ-NP-Za-km-z]{33})/.exec(run.stdout);
    assert.ok(m, `no Migrations address in:\n${run.stdout}`);
    migrations = m[1]!;
  });

  it('deploys the Migrations contract from account 0', async () => {
    const built = JSON.parse(readFileSync(path.join(ROOT, 'build/contracts/Migrations.json'), 'utf8')) as {
      bytecode: string;
      deployedBytecode: string;
    };
    const contract = await post(devnet, 'wallet/getcontract', { value: migrations, visible: true });
    assert.equal(contract.contract_address, migrations);
    assert.equal(contract.origin_address, devnet.accounts[0]!.address);
    assert.equal(contract.name, 'Migrations');
    // getcontract holds the creation bytecode tronbox sent.
    assert.equal(contract.bytecode, built.bytecode.replace(/^0x/, ''));
    // java-tron prints the ABI with capitalised types and without internalType.
    const entries = (abi: { type: string; name?: string }[]): string[] =>
      abi.map((e) => `${e.type.toLowerCase()} ${e.name ?? ''}`).sort();
    assert.deepEqual(
      entries(contract.abi.entrys),
      entries(artifact('Migrations').abi as { type: string; name?: string }[]),
    );

    // The runtime code is the artifact's deployed code with the `owner` immutable filled in.
    const info = await post(devnet, 'wallet/getcontractinfo', { value: migrations, visible: true });
    const owner = devnet.accounts[0]!.hex.slice(2).padStart(64, '0');
    const template = built.deployedBytecode.replace(/^0x/, '');
    assert.equal(info.runtimecode.length, template.length);
    assert.equal(info.runtimecode, template.split('0'.repeat(64)).join(owner));
  });

  it('records the last migration as completed', async () => {
    const r = await post(devnet, 'wallet/triggerconstantcontract', {
      owner_address: devnet.accounts[0]!.address,
      contract_address: migrations,
      function_selector: 'last_completed_migration()',
      visible: true,
    });
    assert.deepEqual(r.result, { result: true });
    assert.ok(LAST_MIGRATION >= 1);
    assert.deepEqual(r.constant_result, [LAST_MIGRATION.toString(16).padStart(64, '0')]);
    const owner = await post(devnet, 'wallet/triggerconstantcontract', {
      owner_address: devnet.accounts[0]!.address,
      contract_address: migrations,
      function_selector: 'owner()',
      visible: true,
    });
    assert.deepEqual(owner.constant_result, [devnet.accounts[0]!.hex.slice(2).padStart(64, '0')]);
  });

  it('deploys every contract the migrations list in deployments/development.json on this devnet', async () => {
    const written = JSON.parse(readFileSync(DEPLOYMENTS, 'utf8')) as {
      fullHost: string;
      contracts: Record<string, { address: string }>;
    };
    assert.equal(written.fullHost, devnet.url);
    const names = Object.keys(written.contracts);
    assert.ok(names.length > 0);
    for (const name of names) {
      const c = await post(devnet, 'wallet/getcontract', { value: written.contracts[name]!.address, visible: true });
      assert.equal(c.contract_address, written.contracts[name]!.address, `${name} is not deployed`);
      assert.equal(c.name, name);
    }
  });
});
