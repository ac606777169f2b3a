/**
 * A fake MySQL server that logs every client in without checking credentials, records every
 * statement it receives (the SQL text exactly as the client sent it: s2 and the Python SDK
 * both interpolate parameters client-side), and answers with OK packets or scripted result
 * sets. Differential tests run two clients through the same sequence of operations and compare
 * the recordings; benchmarks read the statement and byte counters.
 *
 * The handshake offers `mysql_native_password` without TLS or CLIENT_DEPRECATE_EOF, which both
 * s2 and PyMySQL-style clients (the SingleStoreDB Python SDK) accept without an auth switch.
 */
import type { Socket } from 'node:net';
import { startFakeMysqlServer, type FakeServer, type FakeSession } from './server.js';
import {
  columnDefinitionPacket,
  eofPacket,
  errPacket,
  handshakePacket,
  okPacket,
  parseClientHandshake,
  rowPacket,
  type ClientHandshake,
  type ColumnSpec,
} from './packets.js';

export interface RecordedStatement {
  /** Connection number, from 1 in the order clients connected. */
  connection: number;
  sql: string;
}

/** How the fake answers one statement. */
export type ScriptedReply =
  | { kind: 'ok'; affectedRows?: number; insertId?: number }
  | { kind: 'error'; errno: number; sqlstate?: string; message: string }
  | { kind: 'rows'; columns: ColumnSpec[]; rows: (string | Uint8Array | null)[][] };

export interface RecordingServerOptions {
  /** Answers a statement; `undefined` (or no callback) means an OK packet with 0 affected rows. */
  respond?: (sql: string, connection: number) => ScriptedReply | undefined;
  /** Keep the statement texts (default true); benchmarks turn it off and read the counters only. */
  record?: boolean;
  serverVersion?: string;
  /**
   * What `SELECT @@memsql_version` answers, consulted before `respond`: a version string
   * (`'8.9.3'`) makes the fake pass for that SingleStore release, `null` makes it refuse the
   * variable as MariaDB and MySQL do (error 1193). Unset: `respond` decides, as for any statement.
   */
  memsqlVersion?: string | null;
}

export interface RecordingServer extends FakeServer {
  /** Every COM_QUERY received, in arrival order (empty when `record` is false). */
  readonly statements: RecordedStatement[];
  /** The login packet of every connection (user, database, connection attributes). */
  readonly logins: ClientHandshake[];
  /** Counters since start (or the last `reset()`). */
  readonly counters: { statements: number; bytes: number; connections: number };
  /** Forgets the recorded statements and zeroes the counters. */
  reset(): void;
}

const COM_QUIT = 0x01;
const COM_INIT_DB = 0x02;
const COM_QUERY = 0x03;
const COM_PING = 0x0e;
const COM_SET_OPTION = 0x1b;
const COM_RESET_CONNECTION = 0x1f;
const MAX_PAYLOAD = 0xffffff;

/**
 * Reads client packets straight from the socket, keeping chunks in a list and joining each
 * packet once: the scripted session's reader re-concatenates its whole buffer per chunk, which
 * is quadratic in the size of the multi-megabyte statements benchmarks send.
 */
class PacketReader {
  private chunks: Buffer[] = [];
  private length = 0;
  private waiter: (() => void) | null = null;
  private ended = false;

  constructor(socket: Socket) {
    socket.removeAllListeners('data');
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.length += chunk.length;
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  private take(n: number): Buffer {
    let out: Buffer;
    if (this.chunks[0]!.length >= n) {
      out = this.chunks[0]!.subarray(0, n);
      this.chunks[0] = this.chunks[0]!.subarray(n);
    } else {
      const parts: Buffer[] = [];
      let need = n;
      while (need > 0) {
        const c = this.chunks[0]!;
        if (c.length <= need) {
          parts.push(c);
          this.chunks.shift();
          need -= c.length;
        } else {
          parts.push(c.subarray(0, need));
          this.chunks[0] = c.subarray(need);
          need = 0;
        }
      }
      out = Buffer.concat(parts, n);
    }
    if (this.chunks[0]?.length === 0) this.chunks.shift();
    this.length -= n;
    return out;
  }

  /** The next packet, or null once the client disconnected. */
  async read(): Promise<{ seq: number; payload: Buffer } | null> {
    for (;;) {
      if (this.length >= 4) {
        const head = this.take(4);
        const len = head.readUIntLE(0, 3);
        while (this.length < len) {
          if (this.ended) return null;
          await new Promise<void>((r) => (this.waiter = r));
        }
        return { seq: head[3]!, payload: len ? this.take(len) : Buffer.alloc(0) };
      }
      if (this.ended) return null;
      await new Promise<void>((r) => (this.waiter = r));
    }
  }
}

/** Reads one logical command, joining the continuation packets of payloads of 16 MiB and more. */
async function readCommand(reader: PacketReader): Promise<{ payload: Buffer; seq: number; wireBytes: number } | null> {
  const first = await reader.read();
  if (!first) return null;
  if (first.payload.length < MAX_PAYLOAD) return { payload: first.payload, seq: first.seq, wireBytes: first.payload.length + 4 };
  const parts = [first.payload];
  let wireBytes = first.payload.length + 4;
  let seq = first.seq;
  for (;;) {
    const next = await reader.read();
    if (!next) return null;
    parts.push(next.payload);
    wireBytes += next.payload.length + 4;
    seq = next.seq;
    if (next.payload.length < MAX_PAYLOAD) return { payload: Buffer.concat(parts), seq, wireBytes };
  }
}

function sendReply(session: FakeSession, reply: ScriptedReply | undefined): void {
  if (!reply || reply.kind === 'ok') {
    session.send(okPacket({ affectedRows: reply?.affectedRows ?? 0, insertId: reply?.insertId ?? 0 }));
    return;
  }
  if (reply.kind === 'error') {
    session.send(errPacket(reply.errno, reply.sqlstate ?? 'HY000', reply.message));
    return;
  }
  session.send(Buffer.from([reply.columns.length]));
  for (const c of reply.columns) session.send(columnDefinitionPacket(c));
  session.send(eofPacket());
  for (const r of reply.rows) session.send(rowPacket(r));
  session.send(eofPacket());
}

function memsqlVersionReply(sql: string, version: string | null | undefined): ScriptedReply | undefined {
  if (version === undefined || !/^\s*SELECT\s+@@memsql_version\s*;?\s*$/i.test(sql)) return undefined;
  if (version === null) return { kind: 'error', errno: 1193, sqlstate: 'HY000', message: "Unknown system variable 'memsql_version'" };
  return { kind: 'rows', columns: [{ name: '@@memsql_version', type: 253 }], rows: [[version]] };
}

/** Starts the recording fake on a free loopback port. */
export async function startRecordingMysqlServer(options: RecordingServerOptions = {}): Promise<RecordingServer> {
  const statements: RecordedStatement[] = [];
  const logins: ClientHandshake[] = [];
  const counters = { statements: 0, bytes: 0, connections: 0 };
  const record = options.record ?? true;
  const base = await startFakeMysqlServer(async (session) => {
    const connection = ++counters.connections;
    // Result sets go out as several small writes: without this, Nagle plus delayed ACKs stall each one.
    session.socket.setNoDelay(true);
    const reader = new PacketReader(session.socket);
    session.send(handshakePacket({ serverVersion: options.serverVersion ?? '8.0.32-recording-fake', connectionId: connection }));
    const login = await reader.read();
    if (!login) return;
    session.seq = (login.seq + 1) & 0xff;
    counters.bytes += login.payload.length + 4;
    try {
      logins.push(parseClientHandshake(login.payload));
    } catch {
      // A login packet without the optional trailing fields: nothing to report.
    }
    session.send(okPacket());
    for (;;) {
      const cmd = await readCommand(reader);
      if (!cmd) return;
      session.seq = (cmd.seq + 1) & 0xff;
      counters.bytes += cmd.wireBytes;
      const code = cmd.payload[0];
      if (code === COM_QUIT) {
        session.close();
        return;
      }
      if (code === COM_QUERY) {
        const sql = cmd.payload.subarray(1).toString('utf8');
        counters.statements++;
        if (record) statements.push({ connection, sql });
        sendReply(session, memsqlVersionReply(sql, options.memsqlVersion) ?? options.respond?.(sql, connection));
      } else if (code === COM_SET_OPTION) {
        session.send(eofPacket());
      } else if (code === COM_PING || code === COM_INIT_DB || code === COM_RESET_CONNECTION) {
        session.send(okPacket());
      } else {
        session.send(errPacket(1047, '08S01', `command 0x${code.toString(16)} is not supported by the recording fake`));
      }
    }
  });
  return Object.assign(base, {
    statements,
    logins,
    counters,
    reset() {
      statements.length = 0;
      counters.statements = 0;
      counters.bytes = 0;
    },
  });
}
