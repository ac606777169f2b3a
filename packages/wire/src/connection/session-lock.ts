/**
 * Serialises the commands of one session: one holder at a time, the others in call order. A
 * release hands the session straight to the next waiter, so no later caller slips in between,
 * and an idle session is taken synchronously: a command costs no promise when nothing is
 * ahead of it. (The same discipline as @s2/http's Semaphore, with a limit of one and the
 * synchronous path.)
 */
export class SessionLock {
  private held = false;
  private readonly waiters: (() => void)[] = [];

  /** The release function if nothing holds the session (it is now taken), else null. */
  tryAcquire(): (() => void) | null {
    if (this.held) return null;
    this.held = true;
    return this.releaser();
  }

  /** Resolves with the release function once every earlier holder has released. */
  acquire(): Promise<() => void> {
    const now = this.tryAcquire();
    if (now) return Promise.resolve(now);
    return new Promise((resolve) => this.waiters.push(() => resolve(this.releaser())));
  }

  /** Callers waiting for the session. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** A release function that hands the session on once, however often it is called. */
  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.held = false;
    };
  }
}
