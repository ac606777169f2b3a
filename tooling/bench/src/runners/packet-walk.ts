/**
 * The raw drain's walk over a text-protocol result set (no DEPRECATE_EOF): counts rows from
 * packet headers alone, carrying its position across socket reads. Per packet it needs the
 * 3-byte length and the payload's first byte; a header cut by a read boundary is assembled byte
 * by byte in `head`, everything else is skipped by arithmetic. States: 0 column count, 1 column definitions and their EOF, 2 rows until EOF.
 */
export class PacketWalk {
  rows = 0;
  private state = 0;
  private columnsLeft = 0;
  /** Payload bytes of the current packet still to skip. */
  private skip = 0;
  private readonly head = new Uint8Array(5);
  private headLen = 0;
  done = false;

  /** Walks `n` bytes of `buf`; true once the final EOF has passed. */
  feed(buf: Uint8Array, n: number): boolean {
    let i = 0;
    while (i < n && !this.done) {
      if (this.skip > 0) {
        const s = Math.min(this.skip, n - i);
        this.skip -= s;
        i += s;
      } else if (this.headLen === 0 && n - i >= 5) {
        const len = buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16);
        if (len === 0) {
          this.packet(0, 0);
          i += 4;
        } else {
          this.packet(len, buf[i + 4]);
          i += 5;
          this.skip = len - 1;
        }
      } else {
        this.head[this.headLen++] = buf[i++];
        const h = this.head;
        const len = this.headLen >= 4 ? h[0] | (h[1] << 8) | (h[2] << 16) : -1;
        if (len === 0) {
          this.headLen = 0;
          this.packet(0, 0);
        } else if (this.headLen === 5) {
          this.headLen = 0;
          this.packet(len, h[4]);
          this.skip = len - 1;
        }
      }
    }
    return this.done;
  }

  private packet(len: number, first: number): void {
    if (first === 0xff && this.state !== 2) throw new Error('query failed');
    if (this.state === 0) {
      this.columnsLeft = first;
      this.state = 1;
    } else if (this.state === 1) {
      if (this.columnsLeft-- === 0) this.state = 2;
    } else if (first === 0xfe && len < 9) this.done = true;
    else this.rows++;
  }
}
