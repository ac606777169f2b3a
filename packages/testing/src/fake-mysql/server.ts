import { createServer, type Server, type Socket } from 'node:net';
import { columnDefinitionPacket, eofPacket, handshakePacket, okPacket, rowPacket, type ColumnSpec, type HandshakeSpec } from './packets.js';

export interface FakePacket {
  seq: number;
  payload: Buffer;
}

/** One client connection to the fake server, driven by a test script. */
export class FakeSession {
  private buffer = Buffer.alloc(0);
  private readonly queue: FakePacket[] = [];
  private waiter: ((p: FakePacket | null) => void) | null = null;
  private ended = false;
  /** Next sequence id to send. */
  seq = 0;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      while (this.buffer.length >= 4) {
        const len = this.buffer.readUIntLE(0, 3);
        if (this.buffer.length < 4 + len) break;
        const packet = { seq: this.buffer[3], payload: this.buffer.subarray(4, 4 + len) };
        this.buffer = this.buffer.subarray(4 + len);
        this.deliver(packet);
      }
    });
    socket.on('close', () => {
      this.ended = true;
      this.deliver(null);
    });
    socket.on('error', () => {});
  }

  private deliver(p: FakePacket | null): void {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w(p);
    } else if (p) {
      this.queue.push(p);
    }
  }

  /** The next packet from the client; null once it disconnected. */
  read(): Promise<FakePacket | null> {
    const p = this.queue.shift();
    if (p) {
      this.seq = (p.seq + 1) & 0xff;
      return Promise.resolve(p);
    }
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiter = (packet) => {
        if (packet) this.seq = (packet.seq + 1) & 0xff;
        resolve(packet);
      };
    });
  }

  /** Sends one packet with the next sequence id (or the given one). */
  send(payload: Buffer, seq = this.seq): void {
    const head = Buffer.alloc(4);
    head.writeUIntLE(payload.length, 0, 3);
    head[3] = seq;
    this.socket.write(Buffer.concat([head, payload]));
    this.seq = (seq + 1) & 0xff;
  }

  /**
   * Sends packets with consecutive sequence ids in one write, so that they reach the client in
   * one piece (a result whose rows must arrive together).
   */
  sendAll(payloads: Buffer[]): void {
    const framed = payloads.map((payload) => {
      const head = Buffer.alloc(4);
      head.writeUIntLE(payload.length, 0, 3);
      head[3] = this.seq;
      this.seq = (this.seq + 1) & 0xff;
      return Buffer.concat([head, payload]);
    });
    this.socket.write(Buffer.concat(framed));
  }

  /** Greets the client, reads its handshake response and accepts it; resolves to that response. */
  async login(spec: HandshakeSpec = {}): Promise<FakePacket | null> {
    this.send(handshakePacket(spec));
    const response = await this.read();
    if (response) this.send(okPacket());
    return response;
  }

  /**
   * Runs the command loop after login: COM_QUIT ends it, COM_PING and `SET …` get OK, and
   * every other COM_QUERY goes to `onQuery` with its SQL text.
   */
  async serveQueries(onQuery: (sql: string) => Promise<void> | void): Promise<void> {
    for (;;) {
      const p = await this.read();
      if (!p || p.payload[0] === 0x01) return;
      if (p.payload[0] !== 0x03) {
        this.send(okPacket());
        continue;
      }
      const sql = p.payload.subarray(1).toString('utf8');
      if (/^SET\s/i.test(sql)) {
        this.send(okPacket());
        continue;
      }
      await onQuery(sql);
    }
  }

  /** A whole text result set (classic EOF framing): column definitions, rows, end. */
  sendResultSet(columns: ColumnSpec[], rows: (string | null)[][]): void {
    this.send(Buffer.from([columns.length]));
    for (const c of columns) this.send(columnDefinitionPacket(c));
    this.send(eofPacket());
    for (const r of rows) this.send(rowPacket(r));
    this.send(eofPacket());
  }

  /**
   * Asks the client for a file as a LOCAL INFILE request (0xFB + name) and collects what it
   * sends up to the terminating empty packet. Resolves to the bytes received (empty when the
   * client refused), or null when the client disconnected. The caller answers with OK or ERR.
   */
  async requestLocalInfile(name: string): Promise<Buffer | null> {
    this.send(Buffer.concat([Buffer.from([0xfb]), Buffer.from(name, 'utf8')]));
    const parts: Buffer[] = [];
    for (;;) {
      const p = await this.read();
      if (!p) return null;
      if (p.payload.length === 0) return Buffer.concat(parts);
      parts.push(Buffer.from(p.payload));
    }
  }

  /** Writes bytes as they are (for malformed-packet tests). */
  sendRaw(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  close(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export interface FakeServer {
  port: number;
  host: string;
  /** Set when listening on a Unix socket instead of TCP. */
  socketPath: string | null;
  /** Errors thrown by session scripts (assert none in tests). */
  errors: unknown[];
  close(): Promise<void>;
}

/**
 * Listens on a free loopback port (or the given Unix socket path) and runs `script` for every
 * client that connects.
 */
export function startFakeMysqlServer(script: (session: FakeSession) => Promise<void> | void, options: { socketPath?: string } = {}): Promise<FakeServer> {
  const errors: unknown[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    Promise.resolve()
      .then(() => script(new FakeSession(socket)))
      .catch((err) => {
        errors.push(err);
        socket.destroy();
      });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const ready = () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        port,
        host: '127.0.0.1',
        socketPath: options.socketPath ?? null,
        errors,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    };
    if (options.socketPath) server.listen(options.socketPath, ready);
    else server.listen(0, '127.0.0.1', ready);
  });
}
