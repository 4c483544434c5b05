/**
 * lib/: the one address codec, the int parser, /config.json's builder and the indexer's rebuild
 * decision the platform asks for (indexer/index.ts), each checked on its own.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { indexNeedsRebuild, readIndexHead } from '../../indexer/index.js';
import { isBase58Address, toBase58, toHex41, ZERO_ADDRESS } from '../../lib/address.js';
import { intFrom } from '../../lib/config.js';
import type { Deployment } from '../../lib/deployments.js';
import { FatalError } from '../../lib/errors.js';
import { webConfig } from '../../lib/webConfig.js';

const HEX = '41a614f803b6fd780986a42c78ec9c7f77e6ded13c';
const BASE58 = 'TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t'; // mainnet USDT

describe('lib', function () {
  describe('address', function () {
    it('converts between the 41-hex and base58 forms, both ways', function () {
      assert.equal(toBase58(HEX), BASE58);
      assert.equal(toBase58(`0x${HEX.slice(2)}`), BASE58);
      assert.equal(toHex41(BASE58), HEX);
      assert.equal(toHex41(HEX.toUpperCase()), HEX);
      assert.equal(ZERO_ADDRESS, 'T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb');
    });

    it('refuses a bad checksum, a wrong length and what is not a string', function () {
      const bad = `${BASE58.slice(0, -1)}${BASE58.endsWith('X') ? 'Y' : 'X'}`;
      assert.equal(toHex41(bad), undefined);
      assert.equal(isBase58Address(bad), false);
      assert.equal(toHex41('41abc'), undefined);
      assert.equal(toHex41(42), undefined);
      assert.throws(() => toBase58('42abc'), /not a TRON hex address/);
    });
  });

  describe('intFrom', function () {
    it('reads an integer of at least min, the default when unset, and names a bad value', function () {
      assert.equal(intFrom({ N: '5' }, 'N', 1, 0), 5);
      assert.equal(intFrom({ N: '' }, 'N', 7, 1), 7);
      assert.equal(intFrom({ N: '0' }, 'N', 7, 0), 0);
      assert.throws(
        () => intFrom({ N: '0' }, 'N', 7, 1),
        (e: unknown) => e instanceof FatalError && /N must be an integer >= 1/.test(e.message),
      );
    });
  });

  describe('webConfig', function () {
    const d = (network: string): Deployment => ({
      network,
      deployBlock: 0,
      contracts: {
        Profiles: { address: BASE58, abiPath: '' },
        GiftVault: { address: BASE58, abiPath: '' },
        RewardPool: { address: BASE58, abiPath: '' },
      },
      tokens: { TRX: ZERO_ADDRESS, BTT: BASE58, ODD: BASE58 },
    });

    it('takes decimals and the explorer from config/deploy.json; an unlisted token gets 18', function () {
      const main = webConfig(d('mainnet'));
      assert.equal(main.explorerTx, 'https://tronscan.org/#/transaction/{txId}');
      assert.deepEqual(
        Object.values(main.tokens).map((t) => [t.symbol, t.decimals]),
        [
          ['TRX', 6],
          ['BTT', 18],
          ['ODD', 18],
        ],
      );
      const dev = webConfig(d('development'), { WALLETCONNECT_PROJECT_ID: 'p' });
      assert.equal(dev.network, 'devnet');
      assert.equal(dev.explorerTx, null);
      assert.equal(dev.devWallet, true);
      assert.equal(dev.walletConnectProjectId, 'p');
      assert.deepEqual(Object.keys(dev.contracts), ['Profiles', 'GiftVault', 'RewardPool']);
      assert.deepEqual(dev.p2p, { tracker: '/tracker' });
      assert.equal(webConfig(d('development'), { MEDIA_P2P: '0' }).p2p, null);
      assert.throws(() => webConfig(d('development'), { MEDIA_P2P: 'maybe' }), /MEDIA_P2P must be 0 or 1/);
    });

    it('offers an on-ramp only when the operator configures one, with its codes, refusing bad settings', function () {
      assert.equal(webConfig(d('mainnet')).onRamp, null);
      const url = 'https://buy.example/widget?wallet={address}&currency={token}';
      assert.deepEqual(webConfig(d('mainnet'), { ONRAMP_URL: url }).onRamp, {
        name: 'buy.example',
        url,
        tokens: { TRX: 'TRX', BTT: 'BTT', ODD: 'ODD' },
      });
      assert.deepEqual(
        webConfig(d('mainnet'), { ONRAMP_URL: url, ONRAMP_NAME: 'Ramp', ONRAMP_TOKENS: 'TRX=trx, BTT=btt_trx' }).onRamp,
        { name: 'Ramp', url, tokens: { TRX: 'trx', BTT: 'btt_trx' } },
      );
      const bad = (env: Record<string, string>, re: RegExp) => assert.throws(() => webConfig(d('mainnet'), env), re);
      bad({ ONRAMP_URL: 'http://buy.example/?w={address}&c={token}' }, /must be an https URL/);
      bad({ ONRAMP_URL: 'https://buy.example/?c={token}' }, /must contain \{address\}/);
      bad({ ONRAMP_URL: 'https://buy.example/?w={address}' }, /must contain \{token\}/);
      bad({ ONRAMP_URL: 'not a url' }, /must be a URL/);
      bad({ ONRAMP_URL: url, ONRAMP_TOKENS: 'USDT=usdt' }, /"USDT" is not one of this deployment's tokens/);
      // One token needs no {token}.
      assert.deepEqual(
        webConfig(d('mainnet'), { ONRAMP_URL: 'https://buy.example/?w={address}', ONRAMP_TOKENS: 'TRX' }).onRamp
          ?.tokens,
        { TRX: 'TRX' },
      );
    });
  });

  describe("the indexer's rebuild decision", function () {
    it('needs no rebuild without an index, or with a file it cannot read', function () {
      const dir = mkdtempSync(path.join(tmpdir(), 'blive-head-'));
      assert.equal(readIndexHead(path.join(dir, 'none.sqlite')), undefined);
      assert.equal(
        indexNeedsRebuild(path.join(dir, 'none.sqlite'), () => undefined),
        false,
      );
      writeFileSync(path.join(dir, 'junk.sqlite'), 'not a database');
      assert.equal(
        indexNeedsRebuild(path.join(dir, 'junk.sqlite'), () => undefined),
        false,
      );
    });
  });
});
