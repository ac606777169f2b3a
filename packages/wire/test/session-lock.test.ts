import { describe, expect, it } from 'vitest';
import { SessionLock } from '../src/connection/session-lock.js';

describe('SessionLock', () => {
  it('an idle session is taken synchronously; a held one is not', () => {
    const lock = new SessionLock();
    const release = lock.tryAcquire();
    expect(release).toBeTypeOf('function');
    expect(lock.tryAcquire()).toBeNull();
    release!();
    expect(lock.tryAcquire()).toBeTypeOf('function');
  });

  it('waiters get the session in call order, and no later caller slips in at a hand-over', async () => {
    const lock = new SessionLock();
    const first = lock.tryAcquire()!;
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) =>
      lock.acquire().then((release) => {
        order.push(n);
        return release;
      }),
    );
    expect(lock.waiting).toBe(3);
    first();
    // Handed to waiter 1 already: a synchronous taker finds it held.
    expect(lock.tryAcquire()).toBeNull();
    const r1 = await waiters[0];
    expect(order).toEqual([1]);
    r1();
    const r2 = await waiters[1];
    r2();
    const r3 = await waiters[2];
    expect(order).toEqual([1, 2, 3]);
    r3();
    expect(lock.waiting).toBe(0);
    expect(lock.tryAcquire()).toBeTypeOf('function');
  });

  it('a release called twice hands the session on once', async () => {
    const lock = new SessionLock();
    const first = lock.tryAcquire()!;
    const second = lock.acquire();
    const third = lock.acquire();
    first();
    first();
    await second;
    // Still held by the second caller: the duplicate release did not pass it to the third.
    expect(lock.waiting).toBe(1);
    let thirdGot = false;
    void third.then(() => (thirdGot = true));
    await Promise.resolve();
    await Promise.resolve();
    expect(thirdGot).toBe(false);
    (await second)();
    await third;
    expect(thirdGot).toBe(true);
  });
});
