import { OperationalError } from '@s2/base';

/** Largest payload one packet can carry; a payload of this size continues in the next packet. */
export const MAX_PACKET_PAYLOAD = 0xffffff;

/** 1 GiB: the largest max_allowed_packet a MySQL or MariaDB server accepts. */
export const DEFAULT_MAX_PACKET_BYTES = 1 << 30;

const CR_NET_PACKET_TOO_LARGE = 2020;

export interface Packet {
  /** Sequence id of the last physical packet that made up this payload. */
  seq: number;
  /** Sequence id of the first physical packet. */
  firstSeq: number;
  payload: Buffer;
}

/** Receives each complete payload with the sequence ids of its first and last physical packet. */
export type PacketSink = (payload: Buffer, firstSeq: number, lastSeq: number) => void;

/**
 * Receives `count` (≥ 2) consecutive complete packets still framed (4-byte header + payload
 * each) in one buffer: a row-heavy result then costs one object per socket chunk instead of
 * one per row. Only sent while `runs` is on; every payload in a run is below 0xFFFFFF bytes.
 */
export type RunSink = (framed: Buffer, count: number, firstSeq: number, lastSeq: number) => void;

/**
 * Reassembles packets from TCP chunks of any size: a chunk may hold many packets, a packet may
 * span many chunks, and payloads of 16 MiB and more arrive as a chain of 0xFFFFFF-byte packets.
 */
export class PacketFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private partialFirstSeq = -1;
  /**
   * Largest logical packet accepted. A chain of 0xFFFFFF-byte packets that never ends would
   * otherwise be buffered until the process runs out of memory; servers cap theirs at 1 GiB
   * (max_allowed_packet), the default here.
   */
  maxPacketBytes = DEFAULT_MAX_PACKET_BYTES;
  /** Set while a consumer reads rows in bulk: complete packets of a chunk go out as runs. */
  runs: RunSink | null = null;

  /** Feeds bytes; calls `emit` for every complete logical packet, in order. */
  push(chunk: Buffer, emit: PacketSink): void {
    if (this.runs && this.buffered === 0 && this.chunks.length === 0 && this.partial.length === 0) {
      this.pushRuns(chunk, emit, this.runs);
      return;
    }
    if (this.buffered === 0 && this.chunks.length === 0) {
      // Fast path: parse straight out of the chunk while whole packets are available.
      let off = 0;
      while (chunk.length - off >= 4) {
        const len = chunk[off] | (chunk[off + 1] << 8) | (chunk[off + 2] << 16);
        if (chunk.length - off - 4 < len) break;
        this.complete(chunk[off + 3], chunk.subarray(off + 4, off + 4 + len), len, emit);
        off += 4 + len;
      }
      if (off < chunk.length) {
        this.chunks.push(chunk.subarray(off));
        this.buffered = chunk.length - off;
      }
      return;
    }
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.buffered < 4) return;
      const head = this.peek(4);
      const len = head[0] | (head[1] << 8) | (head[2] << 16);
      if (this.buffered < 4 + len) return;
      const whole = this.take(4 + len);
      this.complete(whole[3], whole.subarray(4), len, emit);
      if (this.buffered === 0) return;
      if (this.chunks.length === 1) {
        const rest = this.chunks[0];
        this.chunks = [];
        this.buffered = 0;
        this.push(rest, emit);
        return;
      }
    }
  }

  /** The fast path in run mode: whole packets of the chunk are grouped, nothing is copied. */
  private pushRuns(chunk: Buffer, emit: PacketSink, run: RunSink): void {
    let off = 0;
    let start = 0;
    let count = 0;
    let firstSeq = 0;
    let lastSeq = 0;
    const flush = () => {
      if (count === 1) emit(chunk.subarray(start + 4, off), firstSeq, firstSeq);
      else if (count > 1) run(chunk.subarray(start, off), count, firstSeq, lastSeq);
      count = 0;
    };
    while (chunk.length - off >= 4) {
      const len = chunk[off] | (chunk[off + 1] << 8) | (chunk[off + 2] << 16);
      if (chunk.length - off - 4 < len) break;
      if (len === MAX_PACKET_PAYLOAD) {
        flush();
        this.complete(chunk[off + 3], chunk.subarray(off + 4, off + 4 + len), len, emit);
        off += 4 + len;
        continue;
      }
      if (this.partial.length) {
        // The tail of a 16 MiB chain: finish it before grouping again.
        this.complete(chunk[off + 3], chunk.subarray(off + 4, off + 4 + len), len, emit);
        off += 4 + len;
        continue;
      }
      if (count === 0) {
        start = off;
        firstSeq = chunk[off + 3];
      }
      lastSeq = chunk[off + 3];
      count++;
      off += 4 + len;
    }
    flush();
    if (off < chunk.length) {
      this.chunks.push(chunk.subarray(off));
      this.buffered = chunk.length - off;
    }
  }

  private complete(seq: number, payload: Buffer, len: number, emit: PacketSink): void {
    if (len === MAX_PACKET_PAYLOAD || this.partial.length) {
      if (this.partialBytes + len > this.maxPacketBytes) {
        throw new OperationalError(`Got a packet bigger than ${this.maxPacketBytes} bytes (maxAllowedPacket) from the server`, {
          errno: CR_NET_PACKET_TOO_LARGE,
        });
      }
    }
    if (len === MAX_PACKET_PAYLOAD) {
      if (this.partial.length === 0) this.partialFirstSeq = seq;
      this.partial.push(Buffer.from(payload));
      this.partialBytes += len;
      return;
    }
    if (this.partial.length) {
      this.partial.push(payload);
      const joined = Buffer.concat(this.partial);
      const firstSeq = this.partialFirstSeq;
      this.partial = [];
      this.partialBytes = 0;
      emit(joined, firstSeq, seq);
      return;
    }
    emit(payload, seq, seq);
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length >= n) return this.chunks[0];
    return Buffer.concat(this.chunks).subarray(0, n);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0];
    if (first.length >= n) {
      const out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return out;
    }
    // A packet across reads: copy only its own n bytes; the rest stays a view of its chunk
    // (concatenating every buffered chunk copied the whole next socket read each time).
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[0];
      const k = Math.min(c.length, n - filled);
      out.set(k === c.length ? c : c.subarray(0, k), filled);
      filled += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.buffered -= n;
    return out;
  }

  /** Bytes received but not yet part of a complete packet (for diagnostics and tests). */
  get pendingBytes(): number {
    return this.buffered + this.partialBytes;
  }
}

/** Splits a payload into wire packets starting at `seq`; returns the buffers and the next sequence id. */
export function framePayload(payload: Uint8Array, seq: number): { frames: Buffer[]; nextSeq: number } {
  const frames: Buffer[] = [];
  let off = 0;
  for (;;) {
    const len = Math.min(MAX_PACKET_PAYLOAD, payload.length - off);
    const frame = Buffer.allocUnsafe(4 + len);
    frame[0] = len & 0xff;
    frame[1] = (len >> 8) & 0xff;
    frame[2] = (len >> 16) & 0xff;
    frame[3] = seq & 0xff;
    frame.set(payload.subarray(off, off + len), 4);
    frames.push(frame);
    seq = (seq + 1) & 0xff;
    off += len;
    // A payload that ends exactly on a full packet needs an empty packet to terminate it.
    if (len < MAX_PACKET_PAYLOAD) break;
  }
  return { frames, nextSeq: seq };
}
