import { GatewayHttpError } from './errors.js';

/** Caps the server sessions the gateway holds; callers beyond the cap wait their turn, for a while. */
export class SessionLimiter {
  private active = 0;
  private readonly waiting: { grant: () => void; timer: NodeJS.Timeout }[] = [];

  constructor(
    readonly max: number,
    private readonly waitMs: number,
    private readonly maxWaiting = Number.POSITIVE_INFINITY,
  ) {}

  /**
   * Resolves with a release function once a session slot is free; 503 after waitMs, or at once
   * when maxWaiting requests already wait (each holds its body in memory meanwhile).
   */
  acquire(signal: AbortSignal): Promise<() => void> {
    const release = () => {
      const next = this.waiting.shift();
      if (next) {
        clearTimeout(next.timer);
        next.grant();
      } else {
        this.active--;
      }
    };
    if (this.active < this.max) {
      this.active++;
      return Promise.resolve(once(release));
    }
    if (this.waiting.length >= this.maxWaiting) {
      return Promise.reject(
        new GatewayHttpError(
          503,
          `all ${this.max} server sessions of the gateway are busy and ${this.waiting.length} requests wait already; try again later`,
          1040,
          '08004',
        ),
      );
    }
    return new Promise((resolve, reject) => {
      const entry = {
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          resolve(once(release));
        },
        timer: setTimeout(() => {
          drop();
          reject(new GatewayHttpError(503, `all ${this.max} server sessions of the gateway are busy; try again later`, 1040, '08004'));
        }, this.waitMs),
      };
      const drop = () => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        clearTimeout(entry.timer);
        signal.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        drop();
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
  }
}

function once(f: () => void): () => void {
  let done = false;
  return () => {
    if (!done) {
      done = true;
      f();
    }
  };
}
