/** A tiny history router: the path is state; links are plain <a href> intercepted in App. */
class Router {
  #path = $state(location.pathname);
  #query = $state(location.search);
  get path(): string {
    return this.#path;
  }
  get query(): URLSearchParams {
    return new URLSearchParams(this.#query);
  }
  constructor() {
    addEventListener('popstate', () => this.#sync());
  }
  #sync() {
    this.#path = location.pathname;
    this.#query = location.search;
  }
  /** Navigates (pushState) and scrolls to the top. */
  go(href: string, replace = false): void {
    const url = new URL(href, location.href);
    if (replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    this.#sync();
    scrollTo(0, 0);
  }
}
export const router = new Router();

export type Route = { name: string; params: Record<string, string> };

const ROUTES: [RegExp, string, string[]][] = [
  [/^\/$/, 'home', []],
  [/^\/stream\/(\d+)$/, 'stream', ['id']],
  [/^\/clip\/([A-Za-z0-9_-]{1,64})$/, 'clip', ['id']],
  [/^\/go-live$/, 'golive', []],
  [/^\/u\/([^/]+)$/, 'profile', ['who']],
  [/^\/(@[a-z0-9_]{3,24})$/, 'profile', ['who']],
  [/^\/profile$/, 'me', []],
  [/^\/wallet$/, 'wallet', []],
  [/^\/earnings$/, 'earnings', []],
  [/^\/charts$/, 'charts', []],
  [/^\/ledger$/, 'ledger', []],
  [/^\/tx\/([0-9a-fA-F]{64})$/, 'tx', ['id']],
  [/^\/rewards$/, 'rewards', []],
  [/^\/messages$/, 'messages', []],
  [/^\/match$/, 'match', []],
];

/** Matches a path to a route name and its parameters. */
export function matchRoute(path: string): Route {
  for (const [re, name, keys] of ROUTES) {
    const m = re.exec(path);
    if (m) return { name, params: Object.fromEntries(keys.map((k, i) => [k, decodeURIComponent(m[i + 1] ?? '')])) };
  }
  return { name: 'notfound', params: {} };
}
