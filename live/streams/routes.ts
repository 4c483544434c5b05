/**
 * HTTP routes of streams: POST /api/streams, GET /api/streams (?state, owner, first, after),
 * GET /api/streams/:id, PATCH /api/streams/:id, POST /api/streams/:id/end,
 * DELETE /api/streams/:id/recordings/:recordingId (the owner), POST /api/streams/:id/clips
 * (`{seconds}`, anyone signed in), GET /api/clips/:clipId.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LiveError } from '../internal/errors.js';
import { readJson, sendJson } from '../internal/http.js';
import { parseStreamId, type Streams } from './service.js';

/** Serves the stream routes; `caller` resolves the signed-in address (undefined: anonymous). */
export function createStreamRoutes(
  streams: Streams,
  caller: (req: IncomingMessage) => string | undefined,
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
  const signedIn = (req: IncomingMessage): string => {
    const a = caller(req);
    if (!a) throw new LiveError('UNAUTHENTICATED', 'sign in first');
    return a;
  };
  return async (req, res, url) => {
    const path = url.pathname;
    if (path === '/api/streams') {
      if (req.method === 'GET') {
        const q = url.searchParams;
        sendJson(
          res,
          200,
          streams.list({ state: q.get('state'), owner: q.get('owner'), first: q.get('first'), after: q.get('after') }),
        );
        return true;
      }
      if (req.method === 'POST') {
        const owner = signedIn(req);
        sendJson(res, 201, await streams.create(owner, await readJson(req)));
        return true;
      }
      throw new LiveError('METHOD_NOT_ALLOWED', 'use GET or POST');
    }
    const clip = /^\/api\/clips\/([^/]+)$/.exec(path);
    if (clip) {
      if (req.method !== 'GET') throw new LiveError('METHOD_NOT_ALLOWED', 'use GET');
      sendJson(res, 200, await streams.getClip(clip[1]!));
      return true;
    }
    const sub = /^\/api\/streams\/([^/]+)\/(clips|recordings\/([^/]+))$/.exec(path);
    if (sub) {
      const id = parseStreamId(sub[1]);
      if (sub[2] === 'clips') {
        if (req.method !== 'POST') throw new LiveError('METHOD_NOT_ALLOWED', 'use POST');
        sendJson(res, 201, await streams.clip(signedIn(req), id, await readJson(req)));
        return true;
      }
      if (req.method !== 'DELETE') throw new LiveError('METHOD_NOT_ALLOWED', 'use DELETE');
      await streams.deleteRecording(signedIn(req), id, sub[3]!);
      res.writeHead(204).end();
      return true;
    }
    const m = /^\/api\/streams\/([^/]+)(\/end)?$/.exec(path);
    if (!m) return false;
    const id = parseStreamId(m[1]);
    if (m[2]) {
      if (req.method !== 'POST') throw new LiveError('METHOD_NOT_ALLOWED', 'use POST');
      sendJson(res, 200, await streams.end(signedIn(req), id));
      return true;
    }
    if (req.method === 'GET') {
      sendJson(res, 200, await streams.get(id, caller(req)));
      return true;
    }
    if (req.method === 'PATCH') {
      const who = signedIn(req);
      sendJson(res, 200, await streams.update(who, id, await readJson(req)));
      return true;
    }
    throw new LiveError('METHOD_NOT_ALLOWED', 'use GET or PATCH');
  };
}
