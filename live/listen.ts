/** Serves a live service over HTTP and WebSocket on its own port (`npm run live`). */
import { listenOn, type Listening } from '../lib/listen.js';
import { createGuardedServer, serverGuardFromEnv, type ServerGuardOptions } from '../lib/http/serverGuard.js';
import type { LiveService } from './index.js';
import { sendError } from './internal/http.js';
import { LiveError } from './internal/errors.js';

export type LiveListening = Listening;

/**
 * Listens on `host:port` (port 0: any free port); unknown paths answer 404 NOT_FOUND. The server
 * times out slow headers and bodies and caps sockets per IP (`guard`, default from the HTTP_*
 * environment, see lib/http/serverGuard.ts).
 */
export function listenLive(
  service: LiveService,
  opts: { host?: string; port?: number; guard?: ServerGuardOptions } = {},
): Promise<LiveListening> {
  const server = createGuardedServer(
    opts.guard ?? serverGuardFromEnv(process.env, service.config.trustProxy),
    (req, res) => {
      service
        .handle(req, res)
        .then((handled) => {
          if (!handled)
            sendError(res, new LiveError('NOT_FOUND', `no route ${req.method} ${(req.url ?? '').split('?')[0]}`));
        })
        .catch((e: unknown) => sendError(res, e));
    },
  );
  server.on('upgrade', (req, socket, head) => {
    if (!service.handleUpgrade(req, socket, head)) socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
  });
  return listenOn(server, opts.port ?? 8082, opts.host);
}
