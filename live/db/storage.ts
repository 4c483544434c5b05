/**
 * Whether the live service can write its database. A write that fails because the disk is full
 * (SQLITE_FULL) is reported here; from then on the service answers STORAGE_FULL (nothing was
 * stored) and its health turns red, and a probe (a row written and removed in one transaction, so
 * the commit needs space) runs every few seconds until a write succeeds again.
 */
import type Database from 'better-sqlite3';
import { isStorageFull } from '../../lib/diskFull.js';
import { describeError } from '../../lib/errors.js';
import type { Logger } from '../../lib/log.js';

export class StorageWatch {
  #problem: string | undefined;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly log: Logger,
    private readonly probeMs = 2000,
  ) {}

  /** Why writes fail now, or undefined while they work. */
  get problem(): string | undefined {
    return this.#problem;
  }

  /** Records a failed operation's error when it says the disk is full. */
  note(e: unknown): void {
    if (!isStorageFull(e)) return;
    if (!this.#problem)
      this.log.error('the database cannot be written (disk full?): refusing writes until it can', {
        error: describeError(e),
      });
    this.#problem = describeError(e);
    this.#timer ??= setInterval(() => this.#probe(), this.probeMs);
    this.#timer.unref();
  }

  #probe(): void {
    try {
      this.db.transaction(() => {
        this.db
          .prepare(
            "INSERT INTO live_nonces (nonce, address, message, issued_at, expires_at) VALUES ('storage-probe', '', '', 0, 0)",
          )
          .run();
        this.db.prepare("DELETE FROM live_nonces WHERE nonce = 'storage-probe'").run();
      })();
    } catch (e) {
      if (isStorageFull(e)) return;
      throw e;
    }
    this.#problem = undefined;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.log.info('the database accepts writes again', {});
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
