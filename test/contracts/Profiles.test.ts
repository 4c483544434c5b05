/**
 * Profiles on the devnet: registration and its views, handle and URI validation, broadcaster
 * status and the event-only follow graph. Every custom error is checked with its arguments and
 * every event with its arguments.
 */
import { strict as assert } from 'node:assert';
import { call, deploySystem, eventOf, expectRevert, send, type System } from '../helpers/contracts.js';
import { startDevnet, tre, type Devnet } from '../helpers/devnet.js';

const ZERO_ADDRESS = 'T9yD14Nj9j7xAB4dbGeiX9h8unkKHxuWwb';

describe('Profiles', function () {
  let devnet: Devnet;
  let sys: System;
  let snapshot: string;
  /** base58 addresses of devnet accounts 1, 2 and 3. */
  let alice: string;
  let bob: string;
  let carol: string;

  const ALICE = 1;
  const BOB = 2;
  const CAROL = 3;

  before(async function () {
    devnet = await startDevnet();
    sys = await deploySystem(devnet);
    [alice, bob, carol] = [ALICE, BOB, CAROL].map((i) => devnet.accounts[i]!.address) as [string, string, string];
  });

  after(async function () {
    await devnet?.close();
  });

  beforeEach(async function () {
    snapshot = await tre<string>(devnet, 'tre_snapshot');
  });

  afterEach(async function () {
    await tre(devnet, 'tre_revert', [snapshot]);
  });

  const register = (from: number, handle: string, uri = '') =>
    send(devnet, from, sys.profiles, 'register(string,string)', [handle, uri]);
  const isRegistered = (a: string): Promise<boolean> =>
    call(devnet, sys.profiles, 'isRegistered(address)', [a], ['bool']);
  const isBroadcaster = (a: string): Promise<boolean> =>
    call(devnet, sys.profiles, 'isBroadcaster(address)', [a], ['bool']);
  const handleOf = (a: string): Promise<string> => call(devnet, sys.profiles, 'handleOf(address)', [a], ['string']);
  const addressOfHandle = (h: string): Promise<string> =>
    call(devnet, sys.profiles, 'addressOfHandle(string)', [h], ['address']);

  describe('when an account registers', function () {
    it('emits ProfileRegistered and records the handle both ways', async function () {
      assert.equal(await isRegistered(alice), false);
      assert.equal(await handleOf(alice), '');
      assert.equal(await addressOfHandle('alice_01'), ZERO_ADDRESS);

      const r = await register(ALICE, 'alice_01', 'ipfs://bafyprofile');

      assert.deepEqual(eventOf(r, 'ProfileRegistered'), {
        account: alice,
        handle: 'alice_01',
        profileURI: 'ipfs://bafyprofile',
      });
      assert.equal(r.events.length, 1);
      assert.equal(r.events[0]!.address, sys.profiles);
      assert.equal(await isRegistered(alice), true);
      assert.equal(await handleOf(alice), 'alice_01');
      assert.equal(await addressOfHandle('alice_01'), alice);
      assert.equal(await isBroadcaster(alice), false, 'broadcasting is off until turned on');
      assert.equal(await isRegistered(bob), false, 'other accounts are untouched');
    });

    it('accepts an empty profile URI', async function () {
      const r = await register(ALICE, 'alice', '');
      assert.deepEqual(eventOf(r, 'ProfileRegistered'), { account: alice, handle: 'alice', profileURI: '' });
    });

    it('accepts a profile URI of exactly 256 bytes', async function () {
      const uri = `ipfs://${'a'.repeat(249)}`;
      assert.equal(Buffer.byteLength(uri), 256);
      const r = await register(ALICE, 'alice', uri);
      assert.deepEqual(eventOf(r, 'ProfileRegistered'), { account: alice, handle: 'alice', profileURI: uri });
    });

    it('reverts with ProfileURITooLong when the URI is 257 bytes', async function () {
      const uri = `ipfs://${'a'.repeat(250)}`;
      await expectRevert(register(ALICE, 'alice', uri), 'ProfileURITooLong', [257n, 256n]);
      assert.equal(await isRegistered(alice), false);
      assert.equal(await addressOfHandle('alice'), ZERO_ADDRESS);
    });

    it('reverts with ProfileURITooLong counting bytes, not characters', async function () {
      // 128 two-byte characters plus one byte: 129 characters, 257 bytes.
      const uri = `${'é'.repeat(128)}x`;
      await expectRevert(register(ALICE, 'alice', uri), 'ProfileURITooLong', [257n, 256n]);
    });

    it('reverts with AlreadyRegistered when the caller registers a second time', async function () {
      await register(ALICE, 'alice');
      await expectRevert(register(ALICE, 'alice_two'), 'AlreadyRegistered', [alice]);
      assert.equal(await handleOf(alice), 'alice');
      assert.equal(await addressOfHandle('alice_two'), ZERO_ADDRESS);
    });

    it('reverts with AlreadyRegistered before validating the new handle', async function () {
      await register(ALICE, 'alice');
      await expectRevert(register(ALICE, 'X'), 'AlreadyRegistered', [alice]);
    });

    it('reverts with HandleTaken naming the holder when the handle is in use', async function () {
      await register(ALICE, 'shared');
      await expectRevert(register(BOB, 'shared'), 'HandleTaken', ['shared', alice]);
      assert.equal(await isRegistered(bob), false);
      assert.equal(await addressOfHandle('shared'), alice);
    });

    it('lets two accounts hold different handles', async function () {
      await register(ALICE, 'alice');
      await register(BOB, 'bob');
      assert.equal(await addressOfHandle('alice'), alice);
      assert.equal(await addressOfHandle('bob'), bob);
      assert.equal(await handleOf(bob), 'bob');
    });
  });

  describe('when the handle is validated', function () {
    const valid: [string, string][] = [
      ['3 characters (the minimum)', 'abc'],
      ['24 characters (the maximum)', 'a'.repeat(24)],
      ['digits and underscores', '0_9_under_score'],
      ['only digits', '123'],
      ['only underscores', '___'],
    ];
    for (const [what, handle] of valid) {
      it(`accepts ${what}`, async function () {
        const r = await register(ALICE, handle);
        assert.deepEqual(eventOf(r, 'ProfileRegistered'), { account: alice, handle, profileURI: '' });
        assert.equal(await addressOfHandle(handle), alice);
      });
    }

    const invalid: [string, string][] = [
      ['it is empty', ''],
      ['it is 2 characters', 'ab'],
      ['it is 25 characters', 'a'.repeat(25)],
      ['it has an upper-case letter', 'Alice'],
      ['it has a hyphen', 'al-ice'],
      ['it has a space', 'al ice'],
      ['it has a dot', 'al.ice'],
      ['it has a non-ASCII letter', 'alicé'],
      ['it is 3 characters but 4 bytes', 'abé'],
      ['it has an emoji', 'ali🎁'],
      ['the character just below 0 (/)', 'ab/'],
      ['the character just above 9 (:)', 'ab:'],
      ['the character just below a (`)', 'ab`'],
      ['the character just above z ({)', 'ab{'],
    ];
    for (const [what, handle] of invalid) {
      it(`reverts with InvalidHandle when ${what}`, async function () {
        await expectRevert(register(ALICE, handle), 'InvalidHandle', [handle]);
        assert.equal(await isRegistered(alice), false);
      });
    }
  });

  describe('when a profile updates its URI', function () {
    it('emits ProfileUpdated with the new URI', async function () {
      await register(ALICE, 'alice', 'ipfs://old');
      const r = await send(devnet, ALICE, sys.profiles, 'updateProfile(string)', ['ipfs://new']);
      assert.deepEqual(eventOf(r, 'ProfileUpdated'), { account: alice, profileURI: 'ipfs://new' });
      assert.equal(r.events.length, 1);
      assert.equal(await handleOf(alice), 'alice', 'the handle does not change');
    });

    it('accepts 256 bytes and reverts with ProfileURITooLong at 257', async function () {
      await register(ALICE, 'alice');
      const ok = 'u'.repeat(256);
      const r = await send(devnet, ALICE, sys.profiles, 'updateProfile(string)', [ok]);
      assert.deepEqual(eventOf(r, 'ProfileUpdated'), { account: alice, profileURI: ok });
      await expectRevert(
        send(devnet, ALICE, sys.profiles, 'updateProfile(string)', ['u'.repeat(257)]),
        'ProfileURITooLong',
        [257n, 256n],
      );
    });

    it('reverts with NotRegistered when the caller has no profile', async function () {
      await expectRevert(send(devnet, ALICE, sys.profiles, 'updateProfile(string)', ['ipfs://x']), 'NotRegistered', [
        alice,
      ]);
    });
  });

  describe('when a profile sets its broadcaster status', function () {
    it('turns broadcasting on and off with BroadcasterStatusChanged', async function () {
      await register(ALICE, 'alice');

      const on = await send(devnet, ALICE, sys.profiles, 'setBroadcaster(bool)', [true]);
      assert.deepEqual(eventOf(on, 'BroadcasterStatusChanged'), { account: alice, enabled: true });
      assert.equal(await isBroadcaster(alice), true);

      const off = await send(devnet, ALICE, sys.profiles, 'setBroadcaster(bool)', [false]);
      assert.deepEqual(eventOf(off, 'BroadcasterStatusChanged'), { account: alice, enabled: false });
      assert.equal(await isBroadcaster(alice), false);
      assert.equal(await isRegistered(alice), true, 'turning broadcasting off keeps the profile');
    });

    it('emits again when the status is set to what it already is', async function () {
      await register(ALICE, 'alice');
      const r = await send(devnet, ALICE, sys.profiles, 'setBroadcaster(bool)', [false]);
      assert.deepEqual(eventOf(r, 'BroadcasterStatusChanged'), { account: alice, enabled: false });
      assert.equal(await isBroadcaster(alice), false);
    });

    it('changes only the caller', async function () {
      await register(ALICE, 'alice');
      await register(BOB, 'bob');
      await send(devnet, ALICE, sys.profiles, 'setBroadcaster(bool)', [true]);
      assert.equal(await isBroadcaster(alice), true);
      assert.equal(await isBroadcaster(bob), false);
    });

    it('reverts with NotRegistered when the caller has no profile', async function () {
      await expectRevert(send(devnet, ALICE, sys.profiles, 'setBroadcaster(bool)', [true]), 'NotRegistered', [alice]);
      await expectRevert(send(devnet, ALICE, sys.profiles, 'setBroadcaster(bool)', [false]), 'NotRegistered', [alice]);
      assert.equal(await isBroadcaster(alice), false);
    });
  });

  describe('when accounts follow and unfollow', function () {
    beforeEach(async function () {
      await register(BOB, 'bob');
    });

    it('emits Followed and Unfollowed with follower and target', async function () {
      await register(ALICE, 'alice');
      const f = await send(devnet, ALICE, sys.profiles, 'follow(address)', [bob]);
      assert.deepEqual(eventOf(f, 'Followed'), { follower: alice, target: bob });
      assert.equal(f.events.length, 1);
      const u = await send(devnet, ALICE, sys.profiles, 'unfollow(address)', [bob]);
      assert.deepEqual(eventOf(u, 'Unfollowed'), { follower: alice, target: bob });
      assert.equal(u.events.length, 1);
    });

    it('emits Followed each time the same follow repeats (no storage)', async function () {
      const first = await send(devnet, ALICE, sys.profiles, 'follow(address)', [bob]);
      const second = await send(devnet, ALICE, sys.profiles, 'follow(address)', [bob]);
      assert.deepEqual(eventOf(first, 'Followed'), { follower: alice, target: bob });
      assert.deepEqual(eventOf(second, 'Followed'), { follower: alice, target: bob });
    });

    it('lets an account unfollow a target it never followed', async function () {
      const u = await send(devnet, CAROL, sys.profiles, 'unfollow(address)', [bob]);
      assert.deepEqual(eventOf(u, 'Unfollowed'), { follower: carol, target: bob });
    });

    it('lets an unregistered follower follow a registered target', async function () {
      assert.equal(await isRegistered(carol), false);
      const f = await send(devnet, CAROL, sys.profiles, 'follow(address)', [bob]);
      assert.deepEqual(eventOf(f, 'Followed'), { follower: carol, target: bob });
      assert.equal(await isRegistered(carol), false, 'following does not register');
    });

    it('reverts with NotRegistered naming the target when following an unregistered account', async function () {
      await expectRevert(send(devnet, BOB, sys.profiles, 'follow(address)', [carol]), 'NotRegistered', [carol]);
    });

    it('reverts with NotRegistered naming the target when unfollowing an unregistered account', async function () {
      await expectRevert(send(devnet, BOB, sys.profiles, 'unfollow(address)', [carol]), 'NotRegistered', [carol]);
    });

    it('reverts with NotRegistered when the target is the zero address', async function () {
      await expectRevert(send(devnet, BOB, sys.profiles, 'follow(address)', [ZERO_ADDRESS]), 'NotRegistered', [
        ZERO_ADDRESS,
      ]);
    });

    it('reverts with SelfFollow when a registered account follows itself', async function () {
      await expectRevert(send(devnet, BOB, sys.profiles, 'follow(address)', [bob]), 'SelfFollow', [bob]);
    });

    it('reverts with SelfFollow when a registered account unfollows itself', async function () {
      await expectRevert(send(devnet, BOB, sys.profiles, 'unfollow(address)', [bob]), 'SelfFollow', [bob]);
    });

    it('reverts with SelfFollow before NotRegistered when an unregistered account follows itself', async function () {
      await expectRevert(send(devnet, CAROL, sys.profiles, 'follow(address)', [carol]), 'SelfFollow', [carol]);
    });
  });
});
