// Time for code driven by timers: the real clock, and a fake one tests advance by hand.

/** Milliseconds since the epoch and sleeping; inject a FakeClock in tests. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or as soon as `signal` aborts (it never rejects). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      signal.addEventListener('abort', done, { once: true });
    });
  },
};

interface Sleeper {
  at: number;
  seq: number;
  resolve: () => void;
}

/** A clock that moves only when `advance` is called; sleepers wake in deadline order. */
export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private sleepers: Sleeper[] = [];

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal.aborted) return resolve();
      const s: Sleeper = { at: this.t + Math.max(0, ms), seq: this.seq++, resolve };
      this.sleepers.push(s);
      signal.addEventListener('abort', () => {
        this.sleepers = this.sleepers.filter((x) => x !== s);
        resolve();
      }, { once: true });
    });
  }

  /** Number of pending sleeps (lets tests wait until code under test is parked on the clock). */
  get pending(): number {
    return this.sleepers.length;
  }

  /** Moves time forward by `ms`, waking each sleeper at its deadline and letting the woken code run. */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await settle();
      this.sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.sleepers[0];
      if (next === undefined || next.at > end) break;
      this.sleepers.shift();
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
    this.t = end;
    await settle();
  }
}

/** Lets pending promise callbacks and I/O callbacks run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise<void>((r) => setImmediate(r));
}
