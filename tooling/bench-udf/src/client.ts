import { connect, type Socket } from 'node:net';
import { CONTENT_TYPE, type Batch, type Format } from './payloads.js';

/**
 * The benchmark's HTTP client: plain keep-alive TCP sockets that write pre-built HTTP/1.1
 * requests and parse just enough of each answer (status line, content-type, content-length) to
 * cut it out of the stream. node:http's client cost about as much CPU per request as the echo
 * server did, so it, not the servers, set the floor of the measurement.
 */
export interface Answer {
  status: number;
  contentType: string;
  body: Buffer;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

/**
 * Cuts HTTP/1.1 responses out of a byte stream: content-length framed (node:http, fastify) or
 * chunked (uvicorn streams the Python SDK's answers that way).
 */
class ResponseReader {
  private buf: Buffer = Buffer.alloc(0);
  private head: { status: number; contentType: string; length: number } | null = null;
  private chunks: Buffer[] = [];
  private have = 0;

  /** Feeds bytes; returns the answer once one is complete (a connection has one request in flight). */
  push(chunk: Buffer): Answer | null {
    if (this.head && this.head.length >= 0) {
      // A fixed-length body: gather the pieces and join them once.
      this.chunks.push(chunk);
      this.have += chunk.length;
    } else {
      this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
      if (!this.head) {
        const end = this.buf.indexOf(HEADER_END);
        if (end < 0) return null;
        this.head = parseHead(this.buf.toString('latin1', 0, end));
        this.buf = this.buf.subarray(end + HEADER_END.length);
        if (this.head.length >= 0) {
          this.chunks = [this.buf];
          this.have = this.buf.length;
          this.buf = Buffer.alloc(0);
        }
      }
    }
    let body: Buffer | null;
    if (this.head.length >= 0) {
      if (this.have < this.head.length) return null;
      if (this.have > this.head.length) throw new Error('the server sent bytes after a complete answer');
      body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.have);
    } else {
      body = this.chunked();
      if (!body) return null;
      if (this.buf.length) throw new Error('the server sent bytes after a complete answer');
    }
    const answer = { status: this.head.status, contentType: this.head.contentType, body };
    this.head = null;
    this.chunks = [];
    this.have = 0;
    return answer;
  }

  private chunked(): Buffer | null {
    for (;;) {
      const eol = this.buf.indexOf(CRLF);
      if (eol < 0) return null;
      const size = parseInt(this.buf.toString('latin1', 0, eol), 16);
      if (!(size >= 0)) throw new Error('bad chunk size');
      // The last chunk (size 0) is followed by an empty trailer line.
      const need = eol + 2 + size + 2;
      if (this.buf.length < need) return null;
      const data = this.buf.subarray(eol + 2, eol + 2 + size);
      this.buf = this.buf.subarray(need);
      if (size === 0) return Buffer.concat(this.chunks);
      this.chunks.push(data);
    }
  }
}

function parseHead(text: string): { status: number; contentType: string; length: number } {
  const lines = text.split('\r\n');
  const status = Number(lines[0].split(' ')[1]);
  let contentType = '';
  let length = -1;
  let chunked = false;
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    const name = lines[i].slice(0, colon).trim().toLowerCase();
    const value = lines[i].slice(colon + 1).trim();
    if (name === 'content-length') length = Number(value);
    else if (name === 'content-type') contentType = value;
    else if (name === 'transfer-encoding') chunked = value.toLowerCase() === 'chunked';
  }
  if (!chunked && !(length >= 0)) throw new Error(`answer with neither content-length nor chunked encoding: ${lines[0]}`);
  return { status, contentType, length: chunked ? -1 : length };
}

/** One keep-alive connection: one request at a time, reconnecting when the server closed it while idle. */
class Connection {
  private socket: Socket | null = null;
  private reader = new ResponseReader();
  private waiting: { resolve: (a: Answer) => void; reject: (e: Error) => void } | null = null;

  constructor(private readonly port: number) {}

  private open(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: this.port, noDelay: true });
      socket.once('connect', () => resolve(socket));
      socket.once('error', reject);
      socket.on('data', (chunk: Buffer) => {
        try {
          const answer = this.reader.push(chunk);
          if (answer) this.settle()?.resolve(answer);
        } catch (err) {
          this.settle()?.reject(err as Error);
          socket.destroy();
        }
      });
      socket.on('close', () => {
        if (this.socket === socket) this.socket = null;
        this.reader = new ResponseReader();
        this.settle()?.reject(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      });
    });
  }

  private settle() {
    const w = this.waiting;
    this.waiting = null;
    return w;
  }

  async send(head: Buffer, body: Buffer): Promise<Answer> {
    this.socket ??= await this.open();
    const socket = this.socket;
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      socket.cork();
      socket.write(head);
      socket.write(body);
      socket.uncork();
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }
}

/** POST /invoke with `concurrency` requests in flight, one per connection. */
export class InvokeClient {
  private readonly connections: Connection[];
  private readonly heads = new Map<string, Buffer>();

  constructor(
    port: number,
    private readonly concurrency: number,
  ) {
    this.connections = Array.from({ length: concurrency }, () => new Connection(port));
  }

  private head(name: string, format: Format, length: number): Buffer {
    const key = `${name}\0${format}\0${length}`;
    let head = this.heads.get(key);
    if (!head) {
      head = Buffer.from(
        [
          'POST /invoke HTTP/1.1',
          'host: 127.0.0.1',
          'connection: keep-alive',
          `content-type: ${CONTENT_TYPE[format]}`,
          `accepts: ${CONTENT_TYPE[format]}`,
          `s2-ef-name: ${name}`,
          's2-ef-version: 1.0',
          `content-length: ${length}`,
          '',
          '',
        ].join('\r\n'),
        'latin1',
      );
      this.heads.set(key, head);
    }
    return head;
  }

  /**
   * Sends every batch once, `concurrency` at a time, in order. Keeps the answers whose index
   * `keep(i)` selects (for checking after the clock stops). Throws on the first non-200.
   */
  async run(name: string, format: Format, batches: readonly Batch[], keep: (i: number) => boolean): Promise<Map<number, Answer>> {
    const kept = new Map<number, Answer>();
    let next = 0;
    let failure: Error | null = null;
    const worker = async (conn: Connection) => {
      while (next < batches.length && !failure) {
        const i = next++;
        const body = batches[i].body;
        const head = this.head(name, format, body.length);
        // A kept-alive socket the server closed while idle (uvicorn drops them after 5 s) fails
        // before any byte of the request was handled: send it again, once, on a new connection.
        const answer = await conn
          .send(head, body)
          .catch((err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? conn.send(head, body) : Promise.reject(err)));
        if (answer.status !== 200) {
          failure ??= new Error(`HTTP ${answer.status}: ${answer.body.toString('utf8').slice(0, 300)}`);
          return;
        }
        if (keep(i)) kept.set(i, answer);
      }
    };
    await Promise.all(this.connections.slice(0, Math.min(this.concurrency, batches.length)).map(worker));
    if (failure) throw failure;
    return kept;
  }

  close(): void {
    for (const conn of this.connections) conn.close();
  }
}
