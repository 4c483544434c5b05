/** The API's plain HTTP routes: /health, /ready, /metrics (Prometheus text), /ledger.csv; and request counts. */
import type { Plugin } from 'graphql-yoga';
import type { Indexer } from '../index.js';
import type { ApiDb } from './apiDb.js';
import { type CsvToken, ledgerCsv } from './csv.js';
import { json } from './http.js';
import { rawEventCount } from './queries/status.js';
import { apiStatus } from './resolvers/status.js';

export interface RoutesOptions {
  db: ApiDb;
  /** The deployment's tokens, for /ledger.csv?units=token. */
  tokens: readonly CsvToken[];
  indexer?: Indexer | undefined;
  ready: () => boolean | Promise<boolean>;
}

const PATHS = ['/graphql', '/health', '/ready', '/metrics', '/ledger.csv'];

async function metrics(o: RoutesOptions, requests: Map<string, number>): Promise<Response> {
  const s = await apiStatus(o.db, o.indexer);
  const lines: string[] = [];
  const gauge = (name: string, help: string, value: number, type = 'gauge'): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
  };
  gauge('blive_indexer_head_block', 'Head block of the node as last seen (-1 unknown).', s.head);
  gauge('blive_indexer_solidified_block', 'Solidified block of the node as last seen (-1 unknown).', s.solidified);
  gauge('blive_indexer_indexed_block', 'Last indexed block.', s.indexed);
  gauge('blive_indexer_final_block', 'Highest final block.', s.final);
  gauge('blive_indexer_lag_blocks', 'Blocks between the head and the last indexed block.', s.lag);
  gauge(
    'blive_indexer_events_processed_total',
    'Events committed by the indexer in this process.',
    o.indexer?.status().eventsProcessed ?? 0,
    'counter',
  );
  gauge('blive_indexer_raw_events', 'Events in the raw store.', await rawEventCount(o.db));
  lines.push(
    '# HELP blive_api_requests_total HTTP requests by path and status.',
    '# TYPE blive_api_requests_total counter',
  );
  for (const [k, n] of [...requests].sort()) {
    const [path, status] = k.split(' ');
    lines.push(`blive_api_requests_total{path="${path}",status="${status}"} ${n}`);
  }
  return new Response(`${lines.join('\n')}\n`, { headers: { 'content-type': 'text/plain; version=0.0.4' } });
}

/** Unhealthy when the indexer in this process stopped, or cannot write (a full disk). */
function health(indexer: Indexer | undefined): Response {
  const s = indexer?.status();
  const reason = s?.storage ?? s?.error;
  return json(reason ? 503 : 200, reason ? { healthy: false, reason } : { healthy: true });
}

/** The answer to a GET or HEAD of `path`, or undefined for GraphQL's own paths. */
async function route(o: RoutesOptions, url: URL, requests: Map<string, number>): Promise<Response | undefined> {
  switch (url.pathname) {
    case '/health':
      return health(o.indexer);
    case '/ready': {
      const ok = await o.ready();
      return json(ok ? 200 : 503, { ready: ok, ...(await apiStatus(o.db, o.indexer)) });
    }
    case '/metrics':
      return metrics(o, requests);
    case '/ledger.csv':
      return ledgerCsv(o.db, url, o.tokens);
    default:
      return undefined;
  }
}

export function routesPlugin(o: RoutesOptions): Plugin {
  const requests = new Map<string, number>();
  return {
    async onRequest({ url, request, endResponse }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      const res = await route(o, url, requests);
      if (res) endResponse(res);
    },
    onResponse({ request, response }) {
      const path = new URL(request.url).pathname;
      const k = `${PATHS.includes(path) ? path : 'other'} ${response.status}`;
      requests.set(k, (requests.get(k) ?? 0) + 1);
    },
  };
}
