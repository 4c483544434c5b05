/** HTTP routes of sign-in: /api/auth/nonce, /api/auth/verify, /api/auth/session, /api/auth/logout. */
import type { SessionAnswer, VerifyAnswer } from '../../lib/protocol/http.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LiveError } from '../internal/errors.js';
import { readJson, sendJson, tokenOf } from '../internal/http.js';
import type { Auth } from './service.js';

export interface AuthRoutesParams {
  auth: Auth;
  cookieName: string;
  secureCookie: boolean;
  /** The session's absolute lifetime: the cookie's Max-Age (the server decides the sliding expiry). */
  sessionMaxMs: number;
  /** Called with the id of a session that logged out (its sockets are closed). */
  onLogout?: (sessionId: string) => void;
  /** The handle of an address, for /api/auth/session (null when unknown). */
  handleOf: (address: string) => Promise<string | null>;
}

/** Serves the auth routes; false when the path is not one of them. */
export function createAuthRoutes(
  p: AuthRoutesParams,
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
  const cookie = (value: string, maxAgeS: number): string =>
    `${p.cookieName}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeS}${p.secureCookie ? '; Secure' : ''}`;
  const post = (req: IncomingMessage): void => {
    if (req.method !== 'POST') throw new LiveError('METHOD_NOT_ALLOWED', 'use POST');
  };

  return async (req, res, url) => {
    switch (url.pathname) {
      case '/api/auth/nonce': {
        post(req);
        const body = await readJson(req);
        sendJson(res, 200, await p.auth.nonce(body.address));
        return true;
      }
      case '/api/auth/verify': {
        post(req);
        const body = await readJson(req);
        const { token, session } = await p.auth.verify(body);
        sendJson(res, 200, { token, address: session.address, expiresAt: session.expiresAt } satisfies VerifyAnswer, {
          'set-cookie': cookie(token, Math.floor(p.sessionMaxMs / 1000)),
        });
        return true;
      }
      case '/api/auth/session': {
        if (req.method !== 'GET') throw new LiveError('METHOD_NOT_ALLOWED', 'use GET');
        const s = p.auth.session(tokenOf(req, p.cookieName));
        if (!s) throw new LiveError('UNAUTHENTICATED', 'not signed in');
        sendJson(res, 200, {
          address: s.address,
          handle: await p.handleOf(s.address),
          expiresAt: s.expiresAt,
        } satisfies SessionAnswer);
        return true;
      }
      case '/api/auth/logout': {
        post(req);
        const ended = p.auth.logout(tokenOf(req, p.cookieName));
        if (ended) p.onLogout?.(ended);
        sendJson(res, 200, { ok: true }, { 'set-cookie': cookie('', 0) });
        return true;
      }
      default:
        return false;
    }
  };
}
