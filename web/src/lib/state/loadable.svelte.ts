/**
 * One part of a page that comes from the network: its last value, its last failure (null once it
 * loads) and the call that loads it again. A page shows `error` in the part's place with a Retry
 * (`<LoadError error={part.error} onretry={part.load} />`) and keeps showing the rest.
 *
 * Only the latest call counts: an answer to an older call that arrives after a newer one started
 * (a slow page of another profile, say) changes nothing.
 */
export class Loadable<T, A extends unknown[] = []> {
  /** The last value loaded (the initial one until a load succeeds). */
  value: T;
  /** The last load's failure, or null once a load succeeds. */
  error = $state<unknown>(null);
  /** True while a load is under way. */
  loading = $state(false);
  readonly #fetch: (...args: A) => Promise<T>;
  #latest = 0;

  constructor(fetch: (...args: A) => Promise<T>, initial: T) {
    this.value = $state(initial);
    this.#fetch = fetch;
  }

  /** Loads (again); never throws: a failure lands in `error`. An arrow, so it can be passed as a callback. */
  load = async (...args: A): Promise<void> => {
    const call = ++this.#latest;
    this.loading = true;
    try {
      const v = await this.#fetch(...args);
      if (call !== this.#latest) return;
      this.value = v;
      this.error = null;
    } catch (e) {
      if (call === this.#latest) this.error = e;
    } finally {
      if (call === this.#latest) this.loading = false;
    }
  };
}
