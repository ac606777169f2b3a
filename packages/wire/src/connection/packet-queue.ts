/**
 * Packets received but not yet consumed. Consumers take packets synchronously while any are
 * queued and only await when it is empty, so reading a large result costs no promise per row.
 * Payloads and sequence ids sit in parallel arrays: no object is allocated per packet.
 */
export class PacketQueue {
  private items: Buffer[] = [];
  /** firstSeq | lastSeq << 8, per payload. */
  private seqs: number[] = [];
  private head = 0;
  private bytes = 0;
  /** Sequence ids of the payload most recently taken by `shift`. */
  firstSeq = 0;
  lastSeq = 0;
  private waiter: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;

  push(payload: Buffer, firstSeq: number, lastSeq: number): void {
    this.items.push(payload);
    this.seqs.push(firstSeq | (lastSeq << 8));
    this.bytes += payload.length;
    const w = this.waiter;
    if (w) {
      this.waiter = null;
      w.resolve();
    }
  }

  shift(): Buffer | undefined {
    if (this.head >= this.items.length) return undefined;
    const i = this.head++;
    const p = this.items[i];
    const seqs = this.seqs[i];
    this.firstSeq = seqs & 0xff;
    this.lastSeq = seqs >> 8;
    this.bytes -= p.length;
    if (this.head === this.items.length) {
      this.items = [];
      this.seqs = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.seqs = this.seqs.slice(this.head);
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
