/**
 * HTTP routes of notifications, for the signed-in caller: GET /api/notifications (?before, first),
 * POST /api/notifications/read (`{ids}` or `{all: true}`), GET and PATCH
 * /api/notifications/settings (`{"gift": false, ...}`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LiveError } from '../internal/errors.js';
import { readJson, sendJson } from '../internal/http.js';
import type { Notifications } from './service.js';

/** Serves the notification routes; `caller` resolves the signed-in address (undefined: anonymous). */
export function createNotificationRoutes(
  notifications: Notifications,
  caller: (req: IncomingMessage) => string | undefined,
): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> {
  const me = (req: IncomingMessage): string => {
    const a = caller(req);
    if (!a) throw new LiveError('UNAUTHENTICATED', 'sign in to read your notifications');
    return a;
  };
  return async (req, res, url) => {
    switch (url.pathname) {
      case '/api/notifications':
        if (req.method !== 'GET') throw new LiveError('METHOD_NOT_ALLOWED', 'use GET');
        sendJson(res, 200, notifications.page(me(req), url.searchParams.get('before'), url.searchParams.get('first')));
        return true;
      case '/api/notifications/read':
        if (req.method !== 'POST') throw new LiveError('METHOD_NOT_ALLOWED', 'use POST');
        sendJson(res, 200, notifications.markRead(me(req), await readJson(req)));
        return true;
      case '/api/notifications/settings':
        if (req.method === 'GET') {
          sendJson(res, 200, notifications.settings(me(req)));
          return true;
        }
        if (req.method === 'PATCH') {
          sendJson(res, 200, notifications.updateSettings(me(req), await readJson(req)));
          return true;
        }
        throw new LiveError('METHOD_NOT_ALLOWED', 'use GET or PATCH');
      default:
        return false;
    }
  };
}
