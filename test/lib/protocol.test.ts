/**
 * lib/protocol: the envelope check the hub runs on every client frame (its refusals are the
 * error frames clients see), and the schemas both ends type their frames with.
 */
import assert from 'node:assert/strict';
import { clientFrame, clientFrameTypes, parseClientFrame } from '../../lib/protocol/client.js';
import { liveErrorCode } from '../../lib/protocol/errors.js';
import { serverFrame } from '../../lib/protocol/server.js';

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
      { type: 'mod.timeout', room: 'stream:1', user: 'T...', seconds: 600 },
      { type: 'match.signal', data: { candidate: {} } },
      { type: 'dms.history', with: 'T...', before: 12, limit: 50 },
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
});
