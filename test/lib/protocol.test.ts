/**
 * lib/protocol: the envelope check the hub runs on every client frame (its refusals are the
 * error frames clients see), and the schemas both ends type their frames with.
 */
import assert from 'node:assert/strict';
import {
  type FrameRefusal,
  checkClientFrame,
  clientFrame,
  clientFrameTypes,
  parseClientFrame,
} from '../../lib/protocol/client.js';
import { liveErrorCode } from '../../lib/protocol/errors.js';
import { serverFrame } from '../../lib/protocol/server.js';

/** A base58 address (the field checks ask for real ones). */
const USER = 'TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7';

/** The answer of the hub's two checks to a frame. */
const check = (frame: Record<string, unknown>) => {
  const envelope = parseClientFrame(JSON.stringify(frame));
  assert.ok(envelope.ok, JSON.stringify(envelope));
  return checkClientFrame(envelope.frame);
};
const refused = (
  code: string,
  message: string,
  field?: string,
  id?: unknown,
): { ok: false; refusal: FrameRefusal } => ({
  ok: false,
  refusal: {
    code,
    message,
    ...(field !== undefined ? { details: { field } } : {}),
    ...(id !== undefined ? { id } : {}),
  } as FrameRefusal,
});

describe('lib/protocol', function () {
  describe('parseClientFrame', function () {
    const notJson = { code: 'BAD_MESSAGE', message: 'frames must be JSON text objects with a "type"' };
    const noType = { code: 'BAD_MESSAGE', message: 'frames must be JSON objects with a string "type"' };

    it('refuses what is not JSON text, or not an object with a string type', function () {
      assert.deepEqual(parseClientFrame('not json'), { ok: false, refusal: notJson });
      assert.deepEqual(parseClientFrame(null), { ok: false, refusal: notJson });
      assert.deepEqual(parseClientFrame('[1,2,3]'), { ok: false, refusal: noType });
      assert.deepEqual(parseClientFrame('null'), { ok: false, refusal: noType });
      assert.deepEqual(parseClientFrame('{"type":7,"id":"x1"}'), { ok: false, refusal: { ...noType, id: 'x1' } });
    });

    it('refuses an unknown type, or one without a handler, echoing the id', function () {
      const unknown = { code: 'UNKNOWN_TYPE', message: 'unknown message type "nope.nope"', id: 3 };
      assert.deepEqual(parseClientFrame('{"type":"nope.nope","id":3}'), { ok: false, refusal: unknown });
      assert.deepEqual(
        parseClientFrame('{"type":"say","id":4}', () => false),
        {
          ok: false,
          refusal: { code: 'UNKNOWN_TYPE', message: 'unknown message type "say"', id: 4 },
        },
      );
    });

    it('passes a known frame with every field as sent (fields are the handlers to check)', function () {
      assert.deepEqual(parseClientFrame('{"type":"say","room":5,"text":42,"extra":true}'), {
        ok: true,
        frame: { type: 'say', room: 5, text: 42, extra: true },
      });
    });
  });

  it('describes the frames the web sends and the service answers', function () {
    assert.ok(clientFrameTypes.has('match.signal') && clientFrameTypes.has('mod.followers'));
    for (const f of [
      { type: 'say', room: 'stream:1', text: 'hi', id: 1 },
      { type: 'mod.timeout', room: 'stream:1', user: USER, seconds: 600 },
      { type: 'match.signal', data: { candidate: {} } },
      { type: 'dms.history', with: USER, before: 12, limit: 50 },
    ])
      assert.ok(clientFrame.safeParse(f).success, JSON.stringify(f));
    for (const f of [
      { type: 'hello', connectionId: 'c', address: null },
      { type: 'error', code: 'SLOW_MODE', message: 'slow', retryAfterMs: 10, id: 2 },
      { type: 'message', id: 1, room: 'stream:1', kind: 'chat', from: 'T', handle: null, text: 'x', at: 0 },
      { type: 'match.ended', reason: 'peer_left' },
    ])
      assert.ok(serverFrame.safeParse(f).success, JSON.stringify(f));
    assert.ok(!serverFrame.safeParse({ type: 'error', code: 'NOT_A_CODE', message: 'x' }).success);
    assert.ok(liveErrorCode.options.includes('UNKNOWN_TYPE'));
  });

  describe('checkClientFrame (the fields, refused as the handlers refused them)', function () {
    const room = 'stream:1';
    const badRoom = (got: string) => refused('ROOM_NOT_FOUND', `rooms are named stream:<streamId>, got ${got}`, 'room');
    const badUser = (field: string) => refused('BAD_ADDRESS', `${field} must be a base58 TRON address (T...)`, field);

    it('passes valid frames, typed as the schemas give them (unknown fields kept)', function () {
      assert.deepEqual(check({ type: 'ping', id: 1 }), { ok: true, frame: { type: 'ping', id: 1 } });
      assert.deepEqual(check({ type: 'say', room, text: 'hi', id: 'a', extra: true }), {
        ok: true,
        frame: { type: 'say', room, text: 'hi', id: 'a', extra: true },
      });
      assert.deepEqual(check({ type: 'mod.timeout', room, user: USER, seconds: '60' }), {
        ok: true,
        frame: { type: 'mod.timeout', room, user: USER, seconds: 60, reason: '' },
      });
      assert.deepEqual(check({ type: 'mod.ban', room, user: USER, reason: 'x'.repeat(300) }), {
        ok: true,
        frame: { type: 'mod.ban', room, user: USER, reason: 'x'.repeat(200) },
      });
      assert.deepEqual(check({ type: 'history', room, before: '7', limit: 3 }), {
        ok: true,
        frame: { type: 'history', room, before: '7', limit: 3 },
      });
      assert.deepEqual(check({ type: 'match.join', prefs: 5 }), {
        ok: true,
        frame: { type: 'match.join', prefs: { language: '', interests: [] } },
      });
      assert.deepEqual(check({ type: 'match.next' }), { ok: true, frame: { type: 'match.next' } });
      assert.deepEqual(check({ type: 'match.join', prefs: { language: null, interests: ['a'] } }), {
        ok: true,
        frame: { type: 'match.join', prefs: { language: '', interests: ['a'] } },
      });
      for (const f of [
        { type: 'join', room },
        { type: 'leave', room },
        { type: 'presence', room },
        { type: 'mod.delete', room, messageId: 3 },
        { type: 'mod.unban', room, user: USER },
        { type: 'mod.slow', room, seconds: 0 },
        { type: 'mod.followers', room, enabled: false },
        { type: 'mod.add', room, user: USER },
        { type: 'mod.remove', room, user: USER },
        { type: 'dm', to: USER, text: 'yo' },
        { type: 'dm.block', user: USER },
        { type: 'dm.unblock', user: USER },
        { type: 'dm.blocks' },
        { type: 'dms.history', with: USER },
        { type: 'match.leave' },
        { type: 'match.block' },
        { type: 'match.report', reason: 'rude' },
        { type: 'match.signal', data: null },
      ])
        assert.equal(check(f).ok, true, JSON.stringify(f));
    });

    it('refuses a bad room (every room frame) with ROOM_NOT_FOUND quoting it, echoing the id', function () {
      for (const type of ['join', 'leave', 'say', 'history', 'presence', 'mod.slow'])
        assert.deepEqual(
          check({ type, room: 'lobby', id: 9 }),
          { ...badRoom('"lobby"'), refusal: { ...badRoom('"lobby"').refusal, id: 9 } },
          type,
        );
      assert.deepEqual(check({ type: 'join' }), badRoom('undefined'));
      assert.deepEqual(check({ type: 'join', room: 'stream:01' }), badRoom('"stream:01"'));
      assert.deepEqual(check({ type: 'join', room: 7 }), badRoom('7'));
    });

    it('refuses say and dm text that is not a string', function () {
      assert.deepEqual(check({ type: 'say', room, text: 42 }), refused('BAD_MESSAGE', 'text must be a string', 'text'));
      assert.deepEqual(check({ type: 'dm', to: USER }), refused('BAD_MESSAGE', 'text must be a string', 'text'));
    });

    it('refuses bad history bounds', function () {
      for (const before of [0, 'x', null, 1.5])
        assert.deepEqual(
          check({ type: 'history', room, before }),
          refused('BAD_MESSAGE', 'before must be a message id', 'before'),
        );
      for (const limit of [0, 101, 'x', null])
        assert.deepEqual(
          check({ type: 'history', room, limit }),
          refused('BAD_MESSAGE', 'limit must be 1 to 100', 'limit'),
        );
    });

    it('refuses bad moderation fields, the user before the seconds', function () {
      assert.deepEqual(
        check({ type: 'mod.delete', room, messageId: 'abc' }),
        refused('MESSAGE_NOT_FOUND', `no message abc in ${room}`, 'messageId'),
      );
      assert.deepEqual(
        check({ type: 'mod.timeout', room, user: USER, seconds: 0 }),
        refused('BAD_MESSAGE', 'seconds must be 1 to 1209600', 'seconds'),
      );
      assert.deepEqual(check({ type: 'mod.timeout', room, user: 'Tnope', seconds: 0 }), badUser('user'));
      for (const type of ['mod.ban', 'mod.unban', 'mod.add', 'mod.remove'])
        assert.deepEqual(check({ type, room, user: 5 }), badUser('user'), type);
      for (const seconds of [-1, 3601, undefined])
        assert.deepEqual(
          check({ type: 'mod.slow', room, seconds }),
          refused('BAD_MESSAGE', 'seconds must be 0 (off) to 3600', 'seconds'),
        );
      assert.deepEqual(
        check({ type: 'mod.followers', room, enabled: 'yes' }),
        refused('BAD_MESSAGE', 'enabled must be a boolean', 'enabled'),
      );
    });

    it('refuses bad direct message addresses, naming the field', function () {
      assert.deepEqual(check({ type: 'dm', to: 'Tnope', text: 42 }), badUser('to'));
      assert.deepEqual(check({ type: 'dm.block', user: 'Tnope' }), badUser('user'));
      assert.deepEqual(check({ type: 'dm.unblock' }), badUser('user'));
      assert.deepEqual(
        check({ type: 'dms.history', with: 'x', id: 'h' }),
        refused('BAD_ADDRESS', 'with must be a base58 TRON address (T...)', 'with', 'h'),
      );
    });

    it('checks only the fields asked for (a gate runs between them and the rest)', function () {
      const envelope = parseClientFrame(JSON.stringify({ type: 'mod.timeout', room, user: 'Tnope', seconds: 0 }));
      assert.ok(envelope.ok);
      assert.deepEqual(checkClientFrame(envelope.frame, ['room']), {
        ok: true,
        frame: { type: 'mod.timeout', room, user: 'Tnope', seconds: 0 },
      });
      assert.deepEqual(checkClientFrame(envelope.frame, ['room', 'user']), badUser('user'));
      assert.deepEqual(checkClientFrame({ type: 'say', room: 'x' }, []), {
        ok: true,
        frame: { type: 'say', room: 'x' },
      });
    });

    it('refuses bad matching fields', function () {
      const lang = refused('BAD_MESSAGE', 'prefs.language must be a language tag like "en"', 'prefs.language');
      const interests = refused(
        'BAD_MESSAGE',
        'prefs.interests must be at most 10 strings of 1 to 30 characters',
        'prefs.interests',
      );
      for (const type of ['match.join', 'match.next']) {
        assert.deepEqual(check({ type, prefs: { language: 'English' } }), lang, type);
        assert.deepEqual(check({ type, prefs: { language: 5, interests: 'x' } }), lang, type);
        assert.deepEqual(check({ type, prefs: { interests: 'music' } }), interests, type);
        assert.deepEqual(check({ type, prefs: { interests: Array(11).fill('a') } }), interests, type);
        assert.deepEqual(check({ type, prefs: { interests: [''] } }), interests, type);
      }
      for (const reason of [undefined, 5, '   ', `${' '.repeat(500)}x`])
        assert.deepEqual(
          check({ type: 'match.report', reason }),
          refused('BAD_MESSAGE', 'match.report needs a reason', 'reason'),
        );
      assert.deepEqual(check({ type: 'match.signal' }), refused('BAD_MESSAGE', 'match.signal needs data', 'data'));
    });
  });
});
