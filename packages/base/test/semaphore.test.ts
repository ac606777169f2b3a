import { describe, expect, it } from 'vitest';
import { InterfaceError, Semaphore } from '@s2/base';

describe('Semaphore', () => {
  it('takes free slots synchronously up to the limit, then refuses', () => {
    const sem = new Semaphore(2);
    const a = sem.tryAcquire();
    const b = sem.tryAcquire();
    expect(a).toBeTypeOf('function');
    expect(b).toBeTypeOf('function');
    expect(sem.tryAcquire()).toBeNull();
    expect(sem.inFlight).toBe(2);
    a!();
    a!(); // a second call of the same release frees nothing more
    expect(sem.inFlight).toBe(1);
    expect(sem.tryAcquire()).toBeTypeOf('function');
    expect(sem.tryAcquire()).toBeNull();
  });

  it('hands a released slot to the oldest waiter before any later caller', async () => {
    const sem = new Semaphore(2);
    const held = [sem.tryAcquire()!, sem.tryAcquire()!];
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) =>
      sem.acquire().then((release) => {
        order.push(n);
        return release;
      }),
    );
    expect(sem.waiting).toBe(3);
    held[0]();
    // The slot went to waiter 1 at the release: nothing is free for a synchronous taker.
    expect(sem.tryAcquire()).toBeNull();
    expect(sem.inFlight).toBe(2);
    const r1 = await waiters[0];
    held[1]();
    const r2 = await waiters[1];
    expect(order).toEqual([1, 2]);
    r1();
    r2();
    const r3 = await waiters[2];
    expect(order).toEqual([1, 2, 3]);
    expect(sem.inFlight).toBe(1);
    r3();
    expect(sem.inFlight).toBe(0);
    expect(sem.waiting).toBe(0);
  });

  it('never lets more than the limit run', async () => {
    const sem = new Semaphore(3);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const release = await sem.acquire();
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 1));
        running--;
        release();
      }),
    );
    expect(peak).toBe(3);
    expect(sem.inFlight).toBe(0);
  });

  it('rejects a limit below one', () => {
    expect(() => new Semaphore(0)).toThrow(InterfaceError);
    expect(() => new Semaphore(Number.NaN)).toThrow(InterfaceError);
  });

  it('a waiter with a signal that gives up leaves the queue; the others keep their order', async () => {
    const sem = new Semaphore(1);
    const never = new AbortController().signal;
    const first = await sem.acquire(never);
    const order: string[] = [];
    const gaveUp = new AbortController();
    const b = sem.acquire(never).then((release) => {
      order.push('b');
      return release;
    });
    const quitter = sem.acquire(gaveUp.signal).catch((e: unknown) => e);
    const c = sem.acquire(never).then((release) => {
      order.push('c');
      return release;
    });
    expect(sem.waiting).toBe(3);
    gaveUp.abort(new Error('gave up'));
    expect(await quitter).toMatchObject({ message: 'gave up' });
    expect(sem.waiting).toBe(2);
    first();
    (await b)();
    (await c)();
    expect(order).toEqual(['b', 'c']);
    expect(sem.inFlight).toBe(0);
    expect(sem.waiting).toBe(0);
    await expect(sem.acquire(AbortSignal.abort(new Error('already')))).rejects.toThrow('already');
    expect(sem.inFlight).toBe(0);
  });
});
