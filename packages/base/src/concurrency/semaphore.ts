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

  /** Resolves with the release function once a slot is free and every earlier waiter has had one. */
  acquire(): Promise<() => void> {
    const now = this.tryAcquire();
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => this.waiters.push(() => resolve(this.releaser())));
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
