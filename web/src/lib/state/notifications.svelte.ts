/**
 * The signed-in account's notifications for the whole tab (the bell): loaded when the socket says
 * who it is (`hello` with an address, reconnects included), kept current by the `notification`,
 * `notifications.read` and `notifications.settings` frames the service sends every tab of the
 * account. Reading one in this tab reads it in all.
 *
 * Browser notifications are the user's choice, kept per browser: once on (and allowed), a
 * notification that arrives while the tab is hidden also shows as a system notification.
 */
import { notificationsApi } from '../api/live.js';
import { socket } from '../api/socket.js';
import { tokenByAddress, txHref } from '../config.js';
import { notificationText, type NotificationText } from '../notificationText.js';
import type { Notification, NotificationKind } from '../../../../lib/protocol/payloads.js';
import type { NotificationSettings } from '../../../../lib/protocol/http.js';
import { router } from './router.svelte.js';
import { dms } from './dms.svelte.js';

const BROWSER_KEY = 'blive.notify.browser';

/** Whether system notifications show: on, off, refused by the browser, or not offered by it. */
export type BrowserNotifications = 'on' | 'off' | 'denied' | 'unsupported';

const supported = (): boolean => typeof Notification !== 'undefined';

class Inbox {
  #items = $state<Notification[]>([]);
  #unread = $state(0);
  #more = $state<string | null>(null);
  #settings = $state<NotificationSettings | null>(null);
  #error = $state<unknown>(null);
  #loading = $state(false);
  #signedIn = $state(false);
  #browser = $state<BrowserNotifications>('off');
  #latest = 0;

  constructor() {
    this.#browser = !supported()
      ? 'unsupported'
      : Notification.permission === 'denied'
        ? 'denied'
        : localStorage.getItem(BROWSER_KEY) === 'on' && Notification.permission === 'granted'
          ? 'on'
          : 'off';
    socket.on('hello', (m) => {
      this.#signedIn = typeof m.address === 'string';
      if (this.#signedIn) void this.load();
      else this.#clear();
    });
    socket.on('notification', (m) => {
      const n = m.notification;
      this.#items = [n, ...this.#items.filter((x) => x.id !== n.id && x.id !== m.replaces)];
      this.#unread = m.unread;
      // A message from the conversation being read is read already.
      if (n.data.kind === 'dm' && dms.openPeer === n.data.from && document.visibilityState === 'visible')
        void this.read([n.id]);
      else this.#alert(n);
    });
    socket.on('notifications.read', (m) => {
      const ids = m.ids ? new Set(m.ids) : null;
      this.#items = this.#items.map((x) => (!ids || ids.has(x.id) ? { ...x, read: true } : x));
      this.#unread = m.unread;
    });
    socket.on('notifications.settings', (m) => {
      this.#settings = m.settings as NotificationSettings;
    });
  }

  get items(): Notification[] {
    return this.#items;
  }
  get unread(): number {
    return this.#unread;
  }
  get hasMore(): boolean {
    return this.#more !== null;
  }
  get settings(): NotificationSettings | null {
    return this.#settings;
  }
  /** The last failed load or change (null after one succeeds). */
  get error(): unknown {
    return this.#error;
  }
  get loading(): boolean {
    return this.#loading;
  }
  get signedIn(): boolean {
    return this.#signedIn;
  }
  get browser(): BrowserNotifications {
    return this.#browser;
  }

  /** The words and link of a notification. */
  text(n: Notification): NotificationText {
    return notificationText(n, tokenByAddress, txHref);
  }

  #clear(): void {
    this.#items = [];
    this.#unread = 0;
    this.#more = null;
    this.#settings = null;
    this.#error = null;
  }

  /** Loads the newest page (again). Never throws: a failure lands in `error`. */
  load = async (): Promise<void> => {
    const call = ++this.#latest;
    this.#loading = true;
    try {
      const page = await notificationsApi.list();
      if (call !== this.#latest) return;
      this.#items = page.nodes;
      this.#unread = page.unread;
      this.#more = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      this.#error = null;
      if (dms.openPeer) this.readConversation(dms.openPeer);
    } catch (e) {
      if (call === this.#latest) this.#error = e;
    } finally {
      if (call === this.#latest) this.#loading = false;
    }
  };

  async loadMore(): Promise<void> {
    if (!this.#more) return;
    try {
      const page = await notificationsApi.list(this.#more);
      const known = new Set(this.#items.map((x) => x.id));
      this.#items = [...this.#items, ...page.nodes.filter((x) => !known.has(x.id))];
      this.#more = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      this.#error = null;
    } catch (e) {
      this.#error = e;
    }
  }

  /** Marks some read (all when `ids` is undefined); the service tells every tab. */
  async read(ids?: number[]): Promise<void> {
    if (ids && !ids.length) return;
    try {
      this.#unread = (await notificationsApi.read(ids)).unread;
      const set = ids ? new Set(ids) : null;
      this.#items = this.#items.map((x) => (!set || set.has(x.id) ? { ...x, read: true } : x));
      this.#error = null;
    } catch (e) {
      this.#error = e;
    }
  }

  /** Marks read the unread notifications of a conversation (opened on the Messages page). */
  readConversation(peer: string): void {
    void this.read(this.#items.filter((x) => !x.read && x.data.kind === 'dm' && x.data.from === peer).map((x) => x.id));
  }

  loadSettings = async (): Promise<void> => {
    try {
      this.#settings = await notificationsApi.settings();
      this.#error = null;
    } catch (e) {
      this.#error = e;
    }
  };

  async setKind(kind: NotificationKind, on: boolean): Promise<void> {
    try {
      this.#settings = await notificationsApi.updateSettings({ [kind]: on });
      this.#error = null;
    } catch (e) {
      this.#error = e;
    }
  }

  /** Asks the browser for permission (it must be from a click) and turns system notifications on. */
  async enableBrowser(): Promise<void> {
    if (!supported()) return;
    const p = await Notification.requestPermission();
    this.#browser = p === 'granted' ? 'on' : p === 'denied' ? 'denied' : 'off';
    localStorage.setItem(BROWSER_KEY, this.#browser === 'on' ? 'on' : 'off');
  }

  disableBrowser(): void {
    this.#browser = 'off';
    localStorage.setItem(BROWSER_KEY, 'off');
  }

  /** Shows a system notification when they are on and the tab is not in view. */
  #alert(n: Notification): void {
    if (this.#browser !== 'on' || n.read || document.visibilityState === 'visible') return;
    const t = this.text(n);
    try {
      const shown = new Notification(t.title, { body: t.body, tag: `blive-${n.id}` });
      shown.onclick = () => {
        focus();
        void this.read([n.id]);
        if (t.href.startsWith('/')) router.go(t.href);
        else open(t.href, '_blank', 'noopener');
        shown.close();
      };
    } catch {
      // Some browsers (Android Chrome) only show them from a service worker: the bell still counts it.
    }
  }
}

/** The tab's notifications. */
export const notifications = new Inbox();
