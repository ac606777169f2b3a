/**
 * Consecutive framed packets of one socket read, kept together (see RunSink) and consumed from
 * the front: a packet's payload view is made only when it is taken, so a read's packets do not
 * sit in the queue as hundreds of live objects while the consumer works through them.
 */
export class PacketRun {
  /** Where the packets not yet taken start in `source`. */
  offset = 0;

  constructor(
    /** The socket read's packets, each with its 4-byte header. */
    readonly source: Buffer,
    public count: number,
  ) {}

  /** The packets not yet taken, each with its 4-byte header. */
  get framed(): Buffer {
    return this.offset === 0 ? this.source : this.source.subarray(this.offset);
  }

  /** Drops the first `bytes` framed bytes (`count` packets). */
  skip(bytes: number, count: number): void {
    this.offset += bytes;
    this.count -= count;
  }
}

/**
 * Packets received but not yet consumed. Consumers take packets synchronously while any are
 * queued and only await when it is empty, so reading a large result costs no promise per row.
 * Payloads and sequence ids sit in parallel arrays: no object is allocated per packet.
 */
export class PacketQueue {
  /** Queued items from `head` on; slots before it are cleared once taken (see `advance`). */
  private items: (Buffer | PacketRun | undefined)[] = [];
  /** firstSeq | lastSeq << 8, per payload. */
  private seqs: number[] = [];
  private head = 0;
  private bytes = 0;
  /** Packets held (a run counts its packets). */
  private packets = 0;
  /** The most packets and bytes held at once (backpressure diagnostics and tests). */
  peakPackets = 0;
  peakBytes = 0;
  /** Sequence ids of the payload most recently taken by `shift`. */
  firstSeq = 0;
  lastSeq = 0;
  private waiter: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private failure: Error | null = null;

  push(payload: Buffer, firstSeq: number, lastSeq: number): void {
    this.items.push(payload);
    this.seqs.push(firstSeq | (lastSeq << 8));
    this.bytes += payload.length;
    this.packets++;
    this.notePeak();
    const w = this.waiter;
    if (w) {
      this.waiter = null;
      w.resolve();
    }
  }

  pushRun(framed: Buffer, count: number, firstSeq: number, lastSeq: number): void {
    this.items.push(new PacketRun(framed, count));
    this.seqs.push(firstSeq | (lastSeq << 8));
    this.bytes += framed.length;
    this.packets += count;
    this.notePeak();
    const w = this.waiter;
    if (w) {
      this.waiter = null;
      w.resolve();
    }
  }

  private notePeak(): void {
    if (this.packets > this.peakPackets) this.peakPackets = this.packets;
    if (this.bytes > this.peakBytes) this.peakBytes = this.bytes;
  }

  /** The next item without taking it: a payload, or a run to take a prefix of (`takeFromRun`). */
  peek(): Buffer | PacketRun | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  /**
   * Takes the first `count` packets (`bytes` framed bytes) of the run at the head; their
   * sequence ids end at `lastSeq`.
   */
  takeFromRun(bytes: number, count: number, lastSeq: number): void {
    const run = this.items[this.head] as PacketRun;
    this.bytes -= bytes;
    this.packets -= count;
    if (count === run.count) {
      this.advance();
      return;
    }
    run.skip(bytes, count);
    const seqs = this.seqs[this.head];
    this.seqs[this.head] = ((lastSeq + 1) & 0xff) | (seqs & ~0xff);
  }

  shift(): Buffer | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    if (item instanceof PacketRun) {
      // A single packet off the front of a run (for consumers that read packet by packet).
      const f = item.source;
      const o = item.offset;
      const len = f[o] | (f[o + 1] << 8) | (f[o + 2] << 16);
      const seq = f[o + 3];
      this.firstSeq = seq;
      this.lastSeq = seq;
      const payload = f.subarray(o + 4, o + 4 + len);
      this.takeFromRun(4 + len, 1, seq);
      return payload;
    }
    const i = this.head;
    const p = item as Buffer;
    const seqs = this.seqs[i];
    this.firstSeq = seqs & 0xff;
    this.lastSeq = seqs >> 8;
    this.bytes -= p.length;
    this.packets--;
    this.advance();
    return p;
  }

  private advance(): void {
    // Taken items are cleared at once. While a consumer that yields to the event loop between
    // batches keeps the queue from ever running empty, the array is only trimmed every 1,024
    // items, and each slot left behind kept its socket read (~64 KiB) alive: 62 MiB of array
    // buffers at the peak of a 1M-row stream read 256 rows per event-loop turn.
    this.items[this.head] = undefined;
    this.head++;
    if (this.head === this.items.length) {
      this.items = [];
      this.seqs = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.seqs = this.seqs.slice(this.head);
      this.head = 0;
    }
  }

  /** Sequence id expected first in the item at the head. */
  get headSeq(): number {
    return this.seqs[this.head] & 0xff;
  }

  /** Items queued (a run counts once). */
  get size(): number {
    return this.items.length - this.head;
  }

  get queuedBytes(): number {
    return this.bytes;
  }

  get queuedPackets(): number {
    return this.packets;
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
