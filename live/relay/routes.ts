/** HTTP routes of relay reports: POST /api/relay/peer (`{peerId}`), POST /api/relay/report (lib/protocol/relay.ts). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LiveError } from '../internal/errors.js';
import { readJson, sendJson } from '../internal/http.js';
import type { Relay } from './service.js';

/** Serves the relay routes; `caller` resolves the signed-in address (undefined: anonymous). */
export function createRelayRoutes(
  relay: Relay,
  caller: (req: IncomingMessage) => string | undefined,
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
  return async (req, res, url) => {
    const route = url.pathname === '/api/relay/peer' ? 'peer' : url.pathname === '/api/relay/report' ? 'report' : null;
    if (!route) return false;
    if (req.method !== 'POST') throw new LiveError('METHOD_NOT_ALLOWED', 'use POST');
    const address = caller(req);
    if (!address) throw new LiveError('UNAUTHENTICATED', 'sign in to earn relay rewards');
    const body = await readJson(req);
    sendJson(res, 200, route === 'peer' ? relay.bind(address, body) : relay.report(address, body));
    return true;
  };
}
