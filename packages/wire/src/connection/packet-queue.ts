import type { Packet } from '../protocol/packet-framer.js';

/**
 * Packets received but not yet consumed. Consumers take packets synchronously while any are
 * queued and only await when it is empty, so reading a large result costs no promise per row.
 */
export class PacketQueue {
  private items: Packet[] = [];
  private head = 0;
  private bytes = 0;
  private waiter: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;

  push(p: Packet): void {
    this.items.push(p);
    this.bytes += p.payload.length;
    const w = this.waiter;
    if (w) {
      this.waiter = null;
      w.resolve();
    }
  }

  shift(): Packet | undefined {
    if (this.head >= this.items.length) return undefined;
    const p = this.items[this.head++];
    this.bytes -= p.payload.length;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return p;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  get queuedBytes(): number {
    return this.bytes;
  }

  /** Resolves when a packet is queued; rejects once the connection has failed. */
  wait(): Promise<void> {
    if (this.size > 0) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
  }

  fail(error: Error): void {
    if (!this.failure) this.failure = error;
    const w = this.waiter;
    if (w) {
      this.waiter = null;
      w.reject(this.failure);
    }
  }

  get failed(): Error | null {
    return this.failure;
  }
}
