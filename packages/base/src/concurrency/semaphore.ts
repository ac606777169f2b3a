import { InterfaceError } from '../errors/index.js';

/**
 * Bounds how many holders run at once; the others wait in call order. A release hands its slot
 * straight to the next waiter, so no later caller slips in between and the count never
 * overshoots, and a free slot is taken synchronously (`tryAcquire`): no promise when nothing
 * waits. With a limit of one it is the command lock of a wire session; @s2/http bounds a
 * connection's concurrent requests with it.
 */
export class Semaphore {
  private active = 0;
  // First come, first served. An array with shift(): V8 moves the start of the array instead of
  // copying it, where a Set drained from its front walks over the entries it deleted. A waiter
  // whose signal aborts (rare) is found and spliced out.
  private readonly waiters: (() => void)[] = [];

  constructor(private readonly limit = 1) {
    // A limit below one would leave every caller waiting forever.
    if (!(limit >= 1)) throw new InterfaceError(`A concurrency limit must be at least 1, got ${limit}`);
  }

  /** The release function if a slot is free (it is now taken), else null. */
  tryAcquire(): (() => void) | null {
    if (this.active >= this.limit) return null;
    this.active++;
    return this.releaser();
  }

  /**
   * Resolves with the release function once a slot is free and every earlier waiter has had one.
   * With a `signal`, a caller that gives up while waiting leaves the queue at once and the
   * promise rejects with the signal's reason (rather than holding its place until a slot frees).
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const now = this.tryAcquire();
    if (now) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', giveUp);
        resolve(this.releaser());
      };
      const giveUp = () => {
        const at = this.waiters.indexOf(grant);
        if (at >= 0) this.waiters.splice(at, 1);
        reject(signal!.reason);
      };
      this.waiters.push(grant);
      signal?.addEventListener('abort', giveUp, { once: true });
    });
  }

  /** Slots taken. */
  get inFlight(): number {
    return this.active;
  }

  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** A release function that frees (or hands on) its slot once, however often it is called. */
  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.active--;
    };
  }
}
