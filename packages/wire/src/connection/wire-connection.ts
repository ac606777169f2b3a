import { connect as netConnect, type Socket } from 'node:net';
import { checkServerIdentity, connect as tlsConnect, type ConnectionOptions as TlsConnectionOptions, type SecureContext } from 'node:tls';
import {
  Capability,
  Command,
  databaseChange,
  DatabaseError,
  resolveDecodeOptions,
  InterfaceError,
  InternalError,
  OperationalError,
  OptionError,
  ProgrammingError,
  ServerStatus,
  type DecodeOptions,
  type QueryOptions,
  type QueryResponse,
  type SessionInfo,
  type SqlTransport,
  type StatementStatus,
} from '@s2/base';
import { completeAuthentication, initialAuthResponse } from '../auth/authenticate.js';
import { collationIdFor, commandPacket, framedCommand, handshakeResponse, packetCount, sslRequest } from '../protocol/client-messages.js';
import { framePayload, PacketFramer } from '../protocol/packet-framer.js';
import { isErr, isOk, parseErr, parseHandshake, parseOk } from '../protocol/server-messages.js';
import { reportedSchema, SESSION_STATE_CHANGED } from '../protocol/session-state.js';
import { CLIENT_NAME, CLIENT_VERSION } from '../version.js';
import { InfileGrant } from './infile-grant.js';
import { resolveTlsMode, type WireOptions, type WireTlsOptions } from './options.js';
import type { HeldError, PacketChannel, RunningKill } from './packet-channel.js';
import { PacketQueue, PacketRun } from './packet-queue.js';
import { WireQueryResponse } from './query-response.js';
import { parsePrepareOk, STMT_CLOSE, STMT_EXECUTE, STMT_PREPARE, type PreparedCommands, type PreparedStatement } from './prepared.js';
import { SessionLock } from './session-lock.js';
import { cancelledTail, holdCommand, type HeldCommand, type StatementSource } from './statement-pipeline.js';
import { secureContextFor } from './tls-context.js';
import { corkUntilIoDone, mayWriteAhead } from './write-ahead.js';

const CR_CONN_HOST_ERROR = 2003;
const CR_SERVER_GONE = 2006;
const CR_SERVER_LOST = 2013;
const CR_COMMANDS_OUT_OF_SYNC = 2014;
const CR_SSL_CONNECTION_ERROR = 2026;
const ER_QUERY_TIMEOUT = 3024;
const ER_QUERY_INTERRUPTED = 1317;

const BASE_FLAGS =
  Capability.LONG_PASSWORD |
  Capability.LONG_FLAG |
  Capability.CONNECT_WITH_DB |
  Capability.PROTOCOL_41 |
  Capability.TRANSACTIONS |
  Capability.SECURE_CONNECTION |
  Capability.MULTI_RESULTS |
  Capability.PLUGIN_AUTH |
  Capability.CONNECT_ATTRS |
  Capability.PLUGIN_AUTH_LENENC_CLIENT_DATA;

/** Statement options of the wire connector. */
export interface WireQueryOptions extends QueryOptions {
  /**
   * The escaping mode the statement's values were quoted for, and how to quote them for the
   * other one: the statement is re-rendered if the session's mode differs when it is sent.
   */
  escaping?: { noBackslashEscapes: boolean; reformat(noBackslashEscapes: boolean): string };
  /**
   * The statement may go out while statements ahead of it are still running, its answer read
   * after theirs (pipelining; a pool sets it on its one-shot statements). Honoured only where
   * that cannot change the outcome (see mayWriteAhead): otherwise the statement waits its turn.
   */
  pipelined?: boolean;
}

const closedError = () => new InterfaceError('The connection has been closed', { errno: 0 });

/**
 * 2006 for a command of which no byte reached the server: it was refused before it was
 * written, its write failed at once, or it was held in a batch that never left. `nothingSent`
 * says so to a caller that may run it elsewhere (a pool's one-shot statement).
 */
function goneAway(message: string, cause?: Error): OperationalError {
  return Object.assign(new OperationalError(message, { errno: CR_SERVER_GONE, cause }), { nothingSent: true });
}

/**
 * Queued packets at which the socket pauses, whatever their bytes: a consumer slower than the
 * server would otherwise let 4 MiB of 90-byte rows (~47,000 packets) queue up, and the socket
 * reads holding them pile up faster than the GC frees them. Reading resumes once the consumer
 * has taken three quarters.
 */
const MAX_QUEUED_PACKETS = 1024;

/**
 * One MySQL-protocol session. Commands run one at a time in call order; a streaming result
 * keeps the session until it has been read to the end (or drained).
 */
export class WireConnection implements SqlTransport, PacketChannel {
  readonly session: SessionInfo;
  /** Capabilities both sides agreed on. */
  capabilities = 0;
  /** CLIENT_DEPRECATE_EOF in effect: result sets end with an OK-shaped 0xFE packet. */
  deprecateEof = false;
  /** CLIENT_SESSION_TRACK in effect: OK packets may report the session's new database. */
  sessionTrack = false;
  /** Databases the server has reported (see sessionStateChanged); query() compares counts. */
  private schemaReports = 0;
  readonly decodeOptions: DecodeOptions;

  private socket: Socket;
  private framer = new PacketFramer();
  private queue = new PacketQueue();
  private seq = 0;
  private closed = false;
  private paused = false;
  /** Answers every LOCAL INFILE request with a refusal: the grant of each statement while localInfile is off, and of every pipelined one. */
  private readonly noInfile = new InfileGrant('', false, false, undefined, undefined);
  private readonly lock = new SessionLock();
  /** Aborts the waits of whenIdle() when the session is discarded. */
  private idleWait: AbortController | null = null;
  /** The response holding a later statement's error that nobody has read yet (see holdError). */
  private held: HeldError | null = null;
  /** The streaming response that owns the session, if any. */
  private streaming: WireQueryResponse | null = null;
  /**
   * Pipelined statements written whose answers have not been read to the end. When it equals
   * the lock's holders and waiters, everything ahead is such a statement and another may follow
   * on the wire at once.
   */
  private pipelinedAhead = 0;
  private readonly highWaterMark: number;
  private readonly onData = (chunk: Buffer) => this.receive(chunk);
  private readonly onPacket = (payload: Buffer, firstSeq: number, lastSeq: number) => this.queue.push(payload, firstSeq, lastSeq);
  private readonly onRun = (framed: Buffer, count: number, firstSeq: number, lastSeq: number) => this.queue.pushRun(framed, count, firstSeq, lastSeq);
  // The server ended its side: nothing more comes (a KILL CONNECTION, a restart). Only the
  // client's own close expects that, and close() has failed the queue by then (fail ignores it).
  private readonly onEnd = () =>
    this.fail(new OperationalError('Lost connection to MySQL server during query (the server closed the connection)', { errno: CR_SERVER_LOST }));

  /** Settings of this session, without its secrets (password, TLS private key). */
  readonly options: Readonly<WireOptions>;
  // ES private: invisible to util.inspect, JSON and property enumeration.
  readonly #password: string | undefined;
  readonly #tlsKey: WireTlsOptions['key'];
  /** The TLS material (CA, client certificate and key, ciphers), built before dialling. */
  readonly #secureContext: SecureContext | undefined;

  private constructor(socket: Socket, options: WireOptions, secureContext: SecureContext | undefined) {
    this.#password = options.password;
    this.#tlsKey = options.tls?.key;
    this.#secureContext = secureContext;
    this.options = { ...options, password: undefined, tls: options.tls && { ...options.tls, key: undefined } };
    this.socket = socket;
    this.highWaterMark = options.highWaterMark ?? 4 << 20;
    if (options.maxAllowedPacket !== undefined) this.framer.maxPacketBytes = options.maxAllowedPacket;
    this.decodeOptions = resolveDecodeOptions(options.decodeOptions);
    this.session = {
      serverVersion: '',
      connectionId: 0,
      serverStatus: 0,
      charset: options.charset ?? 'utf8mb4',
      database: options.database ?? null,
    };
    this.framer.runs = this.onRun;
    this.attach(socket);
  }

  /** Opens a session: TCP (or Unix socket), TLS per policy, authentication, setup statements. */
  static async connect(options: WireOptions): Promise<WireConnection> {
    checkCharset(options.charset);
    checkSqlMode(options.sqlMode);
    checkMaxAllowedPacket(options.maxAllowedPacket);
    const timeoutMs = options.connectTimeoutMs ?? 10_000;
    // One deadline for every step: the login gets what the TCP connect left of it.
    const deadline = Date.now() + timeoutMs;
    const where = options.socketPath ?? `${options.host ?? 'localhost'}:${options.port ?? 3306}`;
    const secureContext = resolveTlsMode(options) === 'disabled' ? undefined : secureContextFor(options.tls);
    const socket = await openSocket(options, timeoutMs);
    const conn = new WireConnection(socket, options, secureContext);
    let timer: NodeJS.Timeout | undefined;
    try {
      // The setup statements count as login: a server that never answers them cannot hold connect().
      await Promise.race([
        (async () => {
          await conn.handshake();
          await conn.setupSession();
        })(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new OperationalError(`Can't connect to MySQL server on '${where}' (timed out after ${timeoutMs} ms during login)`, {
                  errno: CR_CONN_HOST_ERROR,
                }),
              ),
            Math.max(0, deadline - Date.now()),
          );
        }),
      ]);
      clearTimeout(timer);
      return conn;
    } catch (err) {
      clearTimeout(timer);
      conn.destroy();
      throw err;
    }
  }

  get isOpen(): boolean {
    return !this.closed && !this.queue.failed;
  }

  get streamOpen(): boolean {
    return this.streaming !== null && !this.streaming.finished;
  }

  async drainStream(): Promise<void> {
    await this.streaming?.drain();
  }

  get busy(): boolean {
    return this.lock.inFlight + this.lock.waiting > 0;
  }

  async whenIdle(): Promise<void> {
    if (!this.busy || this.queue.failed) return;
    // The wait ends when the session is discarded too: fail() aborts it.
    this.idleWait ??= new AbortController();
    try {
      const release = await this.lock.acquire(this.idleWait.signal);
      release();
    } catch {
      // Discarded while waiting: nothing is running any more.
    }
  }

  get connectionId(): number {
    return this.session.connectionId;
  }

  /** The options this session was opened with, secrets included (for side sessions). */
  private secretOptions(): WireOptions {
    return { ...this.options, password: this.#password, tls: this.options.tls && { ...this.options.tls, key: this.#tlsKey } };
  }

  /** What JSON.stringify shows: where the session goes, never its credentials. */
  toJSON(): Record<string, unknown> {
    const o = this.options;
    return {
      host: o.socketPath ?? o.host,
      port: o.port,
      user: o.user,
      database: this.session.database,
      connectionId: this.session.connectionId,
      open: this.isOpen,
    };
  }

  get rowDecoderFactory(): WireOptions['rowDecoderFactory'] {
    return this.options.rowDecoderFactory;
  }

  // ── socket plumbing ────────────────────────────────────────────────────────────────────

  private attach(socket: Socket): void {
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', (err) =>
      this.fail(new OperationalError(`Lost connection to MySQL server during query (${err.message})`, { errno: CR_SERVER_LOST, cause: err })),
    );
    socket.on('close', () => this.fail(new OperationalError('Lost connection to MySQL server during query', { errno: CR_SERVER_LOST })));
  }

  private receive(chunk: Buffer): void {
    try {
      this.framer.push(chunk, this.onPacket);
    } catch (err) {
      this.fail(err as Error);
      return;
    }
    if (!this.paused && (this.queue.queuedBytes > this.highWaterMark || this.queue.queuedPackets > MAX_QUEUED_PACKETS)) {
      this.paused = true;
      this.socket.pause();
    }
  }

  /** Reads the socket again once the consumer has drained the queue to a quarter of its limits. */
  private resumeIfDrained(): void {
    if (this.paused && this.queue.queuedBytes < this.highWaterMark / 4 && this.queue.queuedPackets < MAX_QUEUED_PACKETS / 4) {
      this.paused = false;
      this.socket.resume();
    }
  }

  /** The most packets and bytes queued at once so far, and whether reading is paused now. */
  get queueStats(): { peakPackets: number; peakBytes: number; paused: boolean } {
    return { peakPackets: this.queue.peakPackets, peakBytes: this.queue.peakBytes, paused: this.paused };
  }

  private fail(error: Error): void {
    if (this.queue.failed) return;
    this.queue.fail(this.closed ? closedError() : error);
    this.closed = true;
    this.socket.destroy();
    this.idleWait?.abort();
    // Nothing more comes for a stream that owned the session: its deadline must not fire a
    // KILL QUERY (a side session and a login) for a session that is already gone.
    this.streaming?.abandon();
  }

  /** Next packet if one is queued (sequence-checked), else undefined. */
  takePacket(): Buffer | undefined {
    const p = this.queue.shift();
    if (!p) {
      if (this.queue.failed) throw this.queue.failed;
      return undefined;
    }
    this.resumeIfDrained();
    const firstSeq = this.queue.firstSeq;
    if (firstSeq !== this.seq) {
      const err =
        firstSeq === 0
          ? new OperationalError('Lost connection to MySQL server during query', { errno: CR_SERVER_LOST })
          : new InternalError(`Packet sequence number wrong - got ${firstSeq} expected ${this.seq}`);
      this.fail(err);
      throw err;
    }
    this.seq = (this.queue.lastSeq + 1) & 0xff;
    return p;
  }

  /** The run at the head of the queue, if that is what comes next. */
  peekRun(): PacketRun | undefined {
    const item = this.queue.peek();
    return item instanceof PacketRun ? item : undefined;
  }

  /** Sequence id the next packet must carry. */
  get expectedSeq(): number {
    return this.seq;
  }

  /** Takes the first `count` packets of the head run, whose sequence ids the caller checked. */
  takeFromRun(bytes: number, count: number, lastSeq: number): void {
    this.queue.takeFromRun(bytes, count, lastSeq);
    this.seq = (lastSeq + 1) & 0xff;
    this.resumeIfDrained();
  }

  waitForPacket(): Promise<void> {
    return this.queue.wait();
  }

  async readPacket(): Promise<Buffer> {
    for (;;) {
      const p = this.takePacket();
      if (p) return p;
      await this.queue.wait();
    }
  }

  send(payload: Uint8Array): boolean {
    if (this.closed) throw this.queue.failed ?? closedError();
    const { frames, nextSeq } = framePayload(payload, this.seq);
    this.seq = nextSeq;
    let ok = true;
    for (const f of frames) ok = this.socket.write(f);
    return ok;
  }

  /**
   * Waits until the socket's write buffer has drained (LOCAL INFILE backpressure). A server
   * that closed the session takes no more: that settles the wait too, or the client would sit
   * in CLOSE-WAIT with its data queued until TCP gives up, minutes later.
   */
  async flushWrites(): Promise<void> {
    const socket = this.socket;
    if (this.closed || socket.destroyed || socket.writableEnded || socket.readableEnded) throw this.lostError();
    if (!socket.writableNeedDrain) return;
    await new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        cleanup();
        resolve();
      };
      const onGone = () => {
        cleanup();
        reject(this.lostError());
      };
      const cleanup = () => {
        socket.off('drain', onDrain);
        socket.off('close', onGone);
        socket.off('end', onGone);
        socket.off('error', onGone);
      };
      socket.on('drain', onDrain);
      socket.on('close', onGone);
      socket.on('end', onGone);
      socket.on('error', onGone);
    });
  }

  /** Why the session broke (its own listeners ran first), or a lost connection. */
  private lostError(): Error {
    return this.queue.failed ?? new OperationalError('Lost connection to MySQL server during query', { errno: CR_SERVER_LOST });
  }

  /**
   * Commands of which a byte may have reached the server, in the order written: a caller that
   * saw its command fail, and finds the count no higher than before that command was issued,
   * knows that nothing of it went out (a pool retries only then). A command whose write failed
   * at once, or that was still held in a corked batch when the socket broke, is not counted.
   */
  commandsSent = 0;
  /** Commands written since the socket was corked for write-ahead statements (see uncorkAhead). */
  private corkedCommands = 0;
  private corked = false;

  /** Counts a command whose bytes were handed to the socket; returns its number. */
  private counted(): number {
    if (this.corked) this.corkedCommands++;
    return ++this.commandsSent;
  }

  /**
   * Hands a command's bytes to the socket; false when provably none of them left. A write
   * that fails synchronously took nothing: the kernel refused the whole write (EPIPE,
   * ECONNRESET after the peer's reset), and a socket that already failed queues it for good.
   * Bytes queued behind an earlier write count as sent, whatever becomes of them; bytes held
   * in a corked batch are settled when it is sent (uncorkAhead).
   */
  private put(bytes: Uint8Array): boolean {
    const socket = this.socket;
    if (socket.destroyed) return false;
    socket.write(bytes);
    return socket.errored === null;
  }

  /**
   * A command's write failed: the session is given up (commands ahead of it, already sent,
   * lost their connection: 2013) and the command's caller learns whether any of it went out
   * (2013) or none (2006: the server never saw it, so running it elsewhere is safe).
   */
  private writeFailed(anySent: boolean): OperationalError {
    const cause = this.socket.errored ?? undefined;
    const why = cause ? ` (${cause.message})` : '';
    const lost = new OperationalError(`Lost connection to MySQL server during query${why}`, { errno: CR_SERVER_LOST, cause });
    this.fail(lost);
    if (anySent) return lost;
    return goneAway(`MySQL server has gone away${why}: nothing of the command was sent`, cause);
  }

  /**
   * The error to give the caller of command `sent` (its number, see counted) when its reply
   * did not come: the session's loss, or 2006 when the command was never sent after all (it
   * was held in a corked batch that did not go out).
   */
  private replyLost(err: unknown, sent: number): unknown {
    if (err !== this.queue.failed || !(err instanceof OperationalError) || sent <= this.commandsSent) return err;
    return goneAway(`MySQL server has gone away (${err.errmsg}): nothing of the command was sent`, err);
  }

  /** Writes a command (sequence ids from 0) with one socket write; returns its number (see counted). */
  private sendCommand(command: number, body: Uint8Array | string = ''): number {
    if (this.closed) throw this.goneError();
    const framed = framedCommand(command, body);
    this.seq = framed.length < 0xffffff ? 1 : packetCount(framed) & 0xff;
    if (!this.put(framed)) throw this.writeFailed(false);
    return this.counted();
  }

  // ── login ──────────────────────────────────────────────────────────────────────────────

  private async handshake(): Promise<void> {
    const hs = parseHandshake(await this.readPacket());
    this.session.serverVersion = hs.serverVersion;
    this.session.connectionId = hs.connectionId;
    this.session.serverStatus = hs.serverStatus;
    const o = this.options;
    let flags = BASE_FLAGS;
    if (o.clientFoundRows) flags |= Capability.FOUND_ROWS;
    if (o.localInfile) flags |= Capability.LOCAL_FILES;
    if (o.multiStatements) flags |= Capability.MULTI_STATEMENTS;
    if (o.deprecateEof !== false && hs.capabilities & Capability.DEPRECATE_EOF) flags |= Capability.DEPRECATE_EOF;
    // Asked for only when offered (with a server that lacks it, OK packets stay as they were),
    // and by default only of MariaDB: the reference never asks for it, and SingleStoreDB, which
    // reports a MySQL version, is not where this client can be tested with it.
    const trackSessions = o.sessionTrack ?? /MariaDB/i.test(hs.serverVersion);
    if (trackSessions && hs.capabilities & Capability.SESSION_TRACK) flags |= Capability.SESSION_TRACK;
    const charset = collationIdFor(o.charset ?? 'utf8mb4');

    const mode = resolveTlsMode(o);
    const serverTls = (hs.capabilities & Capability.SSL) !== 0;
    let secure = Boolean(o.socketPath);
    if (mode !== 'disabled' && serverTls) {
      flags |= Capability.SSL;
      this.send(sslRequest(flags, charset));
      await this.upgradeToTls(mode);
      secure = true;
    } else if (mode !== 'disabled' && mode !== 'preferred' && !serverTls) {
      throw new OperationalError(
        `TLS mode '${mode}' requires TLS, but the server does not offer it; use tls.mode 'preferred' or sslDisabled to connect without TLS`,
        { errno: CR_SSL_CONNECTION_ERROR },
      );
    }
    this.capabilities = flags & (hs.capabilities | Capability.SSL);
    this.deprecateEof = (flags & hs.capabilities & Capability.DEPRECATE_EOF) !== 0;
    this.sessionTrack = (flags & hs.capabilities & Capability.SESSION_TRACK) !== 0;

    const password = Buffer.from(this.#password ?? '', 'utf8');
    const creds = { password, serverPublicKey: o.serverPublicKey, allowCleartextPassword: o.allowCleartextPassword };
    const initial = initialAuthResponse(hs.authPlugin, creds, hs.authData, secure);
    this.send(
      handshakeResponse({
        flags,
        serverCapabilities: hs.capabilities,
        charset,
        user: o.user ?? defaultUser(),
        authData: initial.data,
        database: o.database ?? '',
        authPlugin: initial.plugin,
        attributes: connectionAttributes(o),
      }),
    );
    const channel = { send: (p: Uint8Array) => void this.send(p), read: () => this.readPacket(), secure };
    const ok = await completeAuthentication(channel, initial.plugin, hs.authData, creds);
    this.session.serverStatus = parseOk(ok, this.sessionTrack).serverStatus;
    if (this.session.serverStatus & SESSION_STATE_CHANGED) this.sessionStateChanged(ok);
  }

  private async upgradeToTls(mode: string): Promise<void> {
    const o = this.options;
    const host = o.host ?? 'localhost';
    const servername = o.tls?.servername ?? (isIp(host) ? undefined : host);
    const verify = mode === 'verify-ca' || mode === 'verify-full';
    const tlsOptions: TlsConnectionOptions = {
      socket: this.socket,
      // With an existing socket, `host` only names what the certificate must match.
      host,
      servername,
      rejectUnauthorized: verify,
      // The material's context holds its own minimum version.
      ...(this.#secureContext ? { secureContext: this.#secureContext } : { minVersion: 'TLSv1.2' }),
    };
    if (mode === 'verify-ca') tlsOptions.checkServerIdentity = () => undefined;
    if (mode === 'verify-full' && o.tls?.servername) {
      // The identity check uses the configured name, not the address dialled.
      const name = o.tls.servername;
      tlsOptions.checkServerIdentity = (_h, cert) => checkServerIdentity(name, cert);
    }
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.removeAllListeners('error');
    this.socket.removeAllListeners('close');
    const secureSocket = await new Promise<Socket>((resolve, reject) => {
      const failed = (err: Error) => new OperationalError(`TLS handshake failed: ${err.message}`, { errno: CR_SSL_CONNECTION_ERROR, cause: err });
      let s: Socket;
      try {
        s = tlsConnect(tlsOptions, () => resolve(s));
      } catch (err) {
        // Node checks some options synchronously: that is a failed handshake too, never a raw error.
        reject(failed(err as Error));
        return;
      }
      s.once('error', (err) => reject(failed(err)));
    });
    this.socket = secureSocket;
    this.attach(secureSocket);
  }

  private async setupSession(): Promise<void> {
    const o = this.options;
    await this.simple(`SET NAMES ${o.charset ?? 'utf8mb4'}`);
    if (o.sqlMode !== undefined) await this.simple(`SET sql_mode = '${o.sqlMode}'`);
    if (o.enableExtendedDataTypes !== false) await this.simple('SET @@SESSION.enable_extended_types_metadata = on', true);
    await this.simple(`SET @@SESSION.vector_type_project_format = ${o.vectorDataFormat === 'json' ? 'JSON' : 'BINARY'}`, true);
    if (o.initCommand) await this.simple(o.initCommand);
    const autocommit = o.autocommit === undefined ? true : o.autocommit;
    if (autocommit !== null && Boolean(this.session.serverStatus & ServerStatus.AUTOCOMMIT) !== autocommit) {
      await this.simple(`SET AUTOCOMMIT = ${autocommit ? 1 : 0}`);
    }
  }

  /** Runs a statement whose result is discarded; `tolerant` swallows server errors (unknown variables). */
  private async simple(sql: string, tolerant = false): Promise<void> {
    try {
      const r = await this.query(sql);
      await r.drain();
    } catch (err) {
      if (!tolerant || !(err instanceof OperationalError || err instanceof ProgrammingError) || !this.isOpen) throw err;
    }
  }

  // ── commands ───────────────────────────────────────────────────────────────────────────

  /** Serialises commands: resolves with a release function once every earlier command is done. */
  private acquire(): Promise<() => void> {
    return this.lock.acquire();
  }

  /** Why nothing can be sent: the session broke (2006, like other clients) or was closed. */
  private goneError(): Error {
    const failed = this.queue.failed;
    // The server closed the session, or it was discarded: like other clients, 2006.
    if (failed && !(failed instanceof InterfaceError)) return goneAway(`MySQL server has gone away (${failed.message})`, failed);
    return closedError();
  }

  holdError(response: HeldError | null, previous?: HeldError): void {
    if (response) this.held = response;
    else if (this.held === previous) this.held = null;
  }

  /** A later statement's error that nobody read: set aside by a pool handing the session on. */
  get pendingError(): boolean {
    return this.held !== null;
  }

  dropPendingError(): void {
    this.held?.takeLaterError();
    this.held = null;
  }

  private ensureUsable(): void {
    if (this.closed || this.queue.failed) throw this.goneError();
    // As the reference reads every result of the previous text before a new command: an error
    // of a later statement that was never read out is this command's error (nothing is sent).
    const held = this.held?.takeLaterError();
    if (held) throw held;
    // A cancelled stream drains itself in the background: later commands just queue behind it.
    if (this.streaming && !this.streaming.finished && !this.streaming.cancelled) {
      throw new ProgrammingError(
        'Commands out of sync: an unbuffered result on this connection has not been read to the end; read it to the end or close its cursor first (a WireQueryResponse: drain() it)',
        { errno: CR_COMMANDS_OUT_OF_SYNC },
      );
    }
  }

  /**
   * Whether statements marked `pipelined` can go out behind running ones on this session: not
   * with multiple statements per query (any of them could open a transaction or ask for a file)
   * nor with a session-wide statement deadline (its KILL QUERY could hit the wrong statement).
   */
  get pipelines(): boolean {
    return !this.options.multiStatements && !this.options.queryTimeoutMs;
  }

  async query(sql: string, options: WireQueryOptions = {}): Promise<QueryResponse> {
    this.ensureUsable();
    const pipelined = options.pipelined === true && this.pipelines && mayWriteAhead(sql, options, this.session.serverStatus);
    if (pipelined && this.pipelinedAhead > 0 && this.pipelinedAhead === this.lock.inFlight + this.lock.waiting) return this.queryAhead(sql, options);
    // An idle session is taken at once: the statement is on the wire before query() returns.
    const release = this.lock.tryAcquire() ?? (await this.lock.acquire());
    let response: WireQueryResponse | null = null;
    let sent = 0;
    const reports = this.schemaReports;
    try {
      this.ensureUsable();
      if (options.signal?.aborted) {
        throw new OperationalError('Query execution was interrupted: the AbortSignal was already aborted', { errno: 1317, cause: options.signal.reason });
      }
      const noBackslashEscapes = (this.session.serverStatus & ServerStatus.NO_BACKSLASH_ESCAPES) !== 0;
      // Values were quoted when the statement was queued; a command ahead of it may have switched
      // NO_BACKSLASH_ESCAPES since, and a literal quoted for the other mode can end early.
      if (options.escaping && options.escaping.noBackslashEscapes !== noBackslashEscapes) sql = options.escaping.reformat(noBackslashEscapes);
      const grant =
        this.options.localInfile === true ? new InfileGrant(sql, noBackslashEscapes, true, options.infile, this.options.localInfileDir) : this.noInfile;
      if (options.timeoutMs === undefined && this.options.queryTimeoutMs) options = { ...options, timeoutMs: this.options.queryTimeoutMs };
      const r = new WireQueryResponse(this, options, release, grant, this.options.cancelGraceMs);
      response = r;
      sent = this.sendCommand(Command.QUERY, sql);
      // Checked again now that the statements ahead have run: pipelined ones may follow it.
      if (pipelined && mayWriteAhead(sql, options, this.session.serverStatus)) {
        this.pipelinedAhead++;
        r.pipelined = true;
      }
      const streaming = options.streaming === true;
      // Only a statement with a signal or deadline can be cancelled, and only then must the
      // wait end before the reading does; otherwise it is read here, without another frame.
      if (options.signal || options.timeoutMs) {
        await r.settle(this.readResponse(r, streaming));
      } else {
        await r.start();
        await this.readRest(r, streaming);
      }
      // The statement text is read only where the server said nothing: it does not offer
      // session tracking, or session_track_schema is off.
      if (this.schemaReports === reports) {
        const change = databaseChange(sql);
        if (change?.kind === 'use') this.session.database = change.database;
        else if (change?.kind === 'drop' && change.database === this.session.database) this.session.database = null;
      }
      return r;
    } catch (err) {
      if (!response) release();
      // A cancelled command frees the session once the server has ended it (or it was discarded).
      else if (response.cancelled) void response.drain();
      else response.abandon();
      throw sent ? this.replyLost(err, sent) : err;
    }
  }

  /**
   * A pipelined statement behind others that are all pipelined too: written now, its answer
   * read once theirs have been (the lock's queue is the read order, the order of writing).
   * It was checked (mayWriteAhead) to need no re-quoting, no file and no cancellation.
   */
  private async queryAhead(sql: string, options: WireQueryOptions): Promise<QueryResponse> {
    const sent = this.writeAhead(sql);
    const release = await this.lock.acquire();
    const r = new WireQueryResponse(this, options, release, this.noInfile, this.options.cancelGraceMs);
    r.pipelined = true;
    // Sequence ids restart with each command: the answer to a one-packet statement starts at 1.
    this.seq = 1;
    try {
      // start() without its cancellation set-up, which a pipelined statement never has.
      r.current = await r.readResult();
      await r.bufferAll();
      return r;
    } catch (err) {
      r.abandon();
      const lost = this.replyLost(err, sent);
      // The session broke under the statements in flight: each caller gets an error of its own.
      if (lost === this.queue.failed && err instanceof OperationalError) throw new OperationalError(err.errmsg, { errno: err.errno, cause: err });
      throw lost;
    }
  }

  /**
   * Writes a pipelined statement (one packet), coalesced with the others written in this I/O
   * phase (see corkUntilIoDone); returns its number (see counted).
   */
  private writeAhead(sql: string): number {
    if (this.closed) throw this.goneError();
    if (!this.corked) {
      this.corked = true;
      this.corkedCommands = 0;
      corkUntilIoDone(this.socket, this.uncorkAhead);
    }
    if (!this.put(framedCommand(Command.QUERY, sql))) throw this.writeFailed(false);
    this.pipelinedAhead++;
    return this.counted();
  }

  /**
   * Sends the corked batch. A batch that went nowhere (the socket broke while it was held, or
   * its one write failed at once) took none of its commands to the server: they are uncounted,
   * so that their callers learn nothing of them was sent.
   */
  private readonly uncorkAhead = (socket: Socket): void => {
    const held = this.corkedCommands;
    this.corked = false;
    this.corkedCommands = 0;
    // Someone else sent the batch already (end() uncorks), or the socket was replaced.
    if (socket !== this.socket || socket.writableCorked === 0) return;
    const broken = socket.destroyed || socket.errored !== null;
    socket.uncork();
    if (!broken && socket.errored === null) return;
    this.commandsSent -= held;
    if (!broken) this.writeFailed(true);
  };

  /** Reads a response's first result (streaming) or all of it (buffered). */
  private async readResponse(r: WireQueryResponse, streaming: boolean): Promise<void> {
    await r.start();
    await this.readRest(r, streaming);
  }

  /** After the first result's header: the rest of a buffered response, or the stream's claim on the session. */
  private readRest(r: WireQueryResponse, streaming: boolean): Promise<void> | undefined {
    // A later statement's error waits for nextResult(), as it would unbuffered.
    if (!streaming) return r.bufferAll(true);
    if (!r.finished) this.streaming = r;
    return undefined;
  }

  /**
   * Runs the statements of `source` back to back, the next one on the wire while the server
   * executes the current one: all of it but a held-back tail goes ahead, and the tail follows
   * once the current statement has succeeded, so the server never starts a statement before
   * the one ahead of it succeeded. On a failure the statement waiting behind is called off
   * (its tail replaced so that it is a syntax error, whose answer is read and dropped) and
   * the error is thrown. The escaping mode is checked whenever a tail is released: a
   * statement quoted for the other mode is called off and rendered again. Nothing else runs
   * on the session meanwhile.
   */
  async pipeline(source: StatementSource): Promise<void> {
    this.ensureUsable();
    const release = await this.acquire();
    try {
      this.ensureUsable();
      let mode = this.noBackslashEscapes();
      const first = source.render(0, mode);
      if (!first) return;
      let command = holdCommand(first);
      this.writeCommand(command.head, command.tail);
      for (let index = 0; ; index++) {
        const following = source.render(index + 1, mode);
        const next = following && holdCommand(following);
        // The next statement's text crosses the wire while the server works on this one.
        if (next?.head.length) this.writeCommand(next.head);
        let status: StatementStatus;
        try {
          status = await this.readReply(command.replySeq);
        } catch (err) {
          if (next) await this.callOff(next, index + 1, source);
          throw err;
        }
        source.done(index, status);
        if (!following || !next) return;
        mode = this.noBackslashEscapes();
        if (following.noBackslashEscapes === mode) {
          this.writeCommand(next.tail, undefined, next.head.length > 0);
          command = next;
          continue;
        }
        // The statement just run switched NO_BACKSLASH_ESCAPES: re-quote the next one.
        await this.callOff(next, index + 1, source);
        this.ensureUsable();
        const again = source.render(index + 1, mode);
        if (!again) return;
        command = holdCommand(again);
        this.writeCommand(command.head, command.tail);
      }
    } finally {
      release();
    }
  }

  /**
   * Runs `work` with the session to itself and the binary protocol's commands (prepare,
   * execute, close). Nothing else is sent meanwhile; statements `work` leaves open are closed.
   */
  async withPreparedStatements<T>(work: (commands: PreparedCommands) => Promise<T>): Promise<T> {
    this.ensureUsable();
    const release = await this.acquire();
    const open = new Set<number>();
    const commands: PreparedCommands = {
      prepare: async (sql) => {
        this.ensureUsable();
        const statement = await this.prepareStatement(sql);
        open.add(statement.id);
        return statement;
      },
      execute: (body) => {
        this.ensureUsable();
        this.sendCommand(STMT_EXECUTE, body);
        return this.readReply(this.seq);
      },
      close: (id) => {
        if (!open.delete(id) || !this.isOpen) return;
        try {
          this.sendCommand(STMT_CLOSE, u32(id));
        } catch {
          // The session broke, and its statements went with it.
        }
      },
    };
    try {
      return await work(commands);
    } finally {
      for (const id of [...open]) commands.close(id);
      release();
    }
  }

  /**
   * COM_STMT_PREPARE within queryTimeoutMs, like any statement: a prepare can wait as long as a
   * query (behind a metadata lock, e.g. a pending ALTER TABLE). At the deadline it is ended with
   * KILL QUERY from a side session and fails with OperationalError 3024, the session kept; a
   * server that does not end it within the cancel grace period costs the session.
   */
  private async prepareStatement(sql: string): Promise<PreparedStatement> {
    const limit = this.options.queryTimeoutMs;
    if (!limit) return this.readPrepare(sql);
    let timedOut: OperationalError | undefined;
    let kill: RunningKill | undefined;
    let ended = false;
    let landed = false;
    const deadline = setTimeout(() => {
      timedOut = new OperationalError(`Query execution was interrupted: timed out after ${limit} ms`, { errno: ER_QUERY_TIMEOUT });
      kill = this.killRunning(
        timedOut,
        this.options.cancelGraceMs ?? 2000,
        () => ended,
        () => landed,
      );
    }, limit);
    let statement: PreparedStatement;
    try {
      statement = await this.readPrepare(sql);
    } catch (err) {
      // The KILL's own error (1317) is the deadline's doing: report the deadline.
      if (timedOut && err instanceof DatabaseError && err.errno === ER_QUERY_INTERRUPTED) {
        landed = true;
        throw timedOut;
      }
      throw err;
    } finally {
      ended = true;
      clearTimeout(deadline);
      // A KILL still on its way would hit the next statement: wait until it has run.
      if (kill) await kill.killing;
      kill?.disarm();
    }
    if (timedOut) {
      // Prepared just as the deadline passed: past it all the same, as a query would be.
      if (this.isOpen) {
        try {
          this.sendCommand(STMT_CLOSE, u32(statement.id));
        } catch {
          // The session broke, and the statement went with it.
        }
      }
      throw timedOut;
    }
    return statement;
  }

  /** COM_STMT_PREPARE: its OK header, then parameter and column definitions (skipped). */
  private async readPrepare(sql: string): Promise<PreparedStatement> {
    this.sendCommand(STMT_PREPARE, sql);
    const first = await this.readPacket();
    if (isErr(first)) throw parseErr(first);
    if (first[0] !== 0) throw new OperationalError('Command Out of Sync', { errno: CR_COMMANDS_OUT_OF_SYNC });
    const statement = parsePrepareOk(first);
    // Each definition list ends in an EOF packet unless CLIENT_DEPRECATE_EOF is in effect.
    for (const count of [statement.params, statement.columns]) {
      for (let i = 0; i < count; i++) await this.readPacket();
      if (count > 0 && !this.deprecateEof) await this.readPacket();
    }
    return statement;
  }

  private noBackslashEscapes(): boolean {
    return (this.session.serverStatus & ServerStatus.NO_BACKSLASH_ESCAPES) !== 0;
  }

  /**
   * Writes a command's bytes, counted once, with its first bytes (a `continued` command's
   * first bytes went out earlier).
   */
  private writeCommand(first: Buffer, rest?: Buffer, continued = false): void {
    if (this.closed) throw this.goneError();
    let anySent = continued;
    let ok = true;
    if (first.length) anySent = ok = this.put(first);
    if (ok && rest?.length) {
      ok = this.put(rest);
      anySent ||= ok;
    }
    if (anySent && !continued) this.counted();
    if (!ok) throw this.writeFailed(anySent);
  }

  /** Reads the reply to one pipelined statement (seq ids restart with each command). */
  private async readReply(replySeq: number): Promise<StatementStatus> {
    let freed!: () => void;
    const whenFreed = new Promise<void>((r) => (freed = r));
    const limit = this.options.queryTimeoutMs;
    // An INSERT ... VALUES never asks for a file: any LOCAL INFILE request is refused.
    const r = new WireQueryResponse(this, limit ? { timeoutMs: limit } : {}, freed, this.noInfile, this.options.cancelGraceMs);
    this.seq = replySeq;
    try {
      await r.settle(
        (async () => {
          await r.start();
          await r.bufferAll();
        })(),
      );
    } catch (err) {
      if (r.cancelled) await r.drain();
      else r.abandon();
      // A KILL QUERY sent for a deadline has run (or was given up) before anything else is sent.
      await whenFreed;
      throw err;
    }
    await whenFreed;
    return r.current.status ?? { affectedRows: 0, insertId: 0, serverStatus: this.session.serverStatus, warningCount: 0, info: '' };
  }

  /** Calls off a statement whose head is on the wire; its (error) reply is read and dropped. */
  private async callOff(held: HeldCommand, index: number, source: StatementSource): Promise<void> {
    if (!held.head.length || !this.isOpen) return;
    try {
      this.writeCommand(cancelledTail(held.tail), undefined, true);
    } catch {
      // The session broke: the statement cannot run, and the error that called it off stands.
      return;
    }
    // Should the server ever run it anyway, its rows are counted rather than hidden.
    const status = await this.readReply(held.replySeq).catch(() => null);
    if (status) source.done(index, status);
  }

  sessionStateChanged(ok: Uint8Array): void {
    if (!this.sessionTrack) return;
    let schema: string | null | undefined;
    try {
      schema = reportedSchema(ok);
    } catch (err) {
      // The database is unknown from here on: a pool must not hand the session on.
      this.poison(err as Error);
      return;
    }
    if (schema === undefined) return;
    this.session.database = schema;
    this.schemaReports++;
  }

  /** Called by a response when its last result has been read: frees the session. */
  responseFinished(response: object): void {
    if (this.streaming === response) this.streaming = null;
    if ((response as WireQueryResponse).pipelined) this.pipelinedAhead--;
  }

  private async command(command: number, body: Uint8Array | string = ''): Promise<void> {
    this.ensureUsable();
    const release = await this.acquire();
    // queryTimeoutMs bounds these commands too; one that overran cannot be proven clean.
    const limit = this.options.queryTimeoutMs;
    const timer = limit
      ? setTimeout(() => this.poison(new OperationalError(`Query execution was interrupted: timed out after ${limit} ms`, { errno: ER_QUERY_TIMEOUT })), limit)
      : undefined;
    try {
      this.ensureUsable();
      this.sendCommand(command, body);
      const p = await this.readPacket();
      if (isErr(p)) throw parseErr(p);
      if (!isOk(p)) throw new OperationalError('Command Out of Sync', { errno: CR_COMMANDS_OUT_OF_SYNC });
      this.session.serverStatus = parseOk(p, this.sessionTrack).serverStatus;
      if (this.session.serverStatus & SESSION_STATE_CHANGED) this.sessionStateChanged(p);
    } finally {
      if (timer) clearTimeout(timer);
      release();
    }
  }

  ping(): Promise<void> {
    return this.command(Command.PING);
  }

  async selectDb(database: string): Promise<void> {
    await this.command(Command.INIT_DB, database);
    this.session.database = database;
  }

  /**
   * COM_RESET_CONNECTION, then the session setup again (it resets session variables too). The
   * reset keeps the current database, so the one the session was opened with is selected again
   * (COM_INIT_DB). A session opened without a database keeps any it selected since: the
   * protocol has no way to select none.
   */
  async reset(): Promise<void> {
    await this.command(Command.RESET_CONNECTION);
    if (this.options.database) await this.selectDb(this.options.database);
    await this.setupSession();
  }

  /**
   * Ends the running statement for `reason` with KILL QUERY from a side session. If `ended()` is
   * still false after `graceMs`, the server did not end it cleanly and the session is discarded
   * (a slow side session alone costs nothing). `killing` settles once the KILL has run or was
   * given up; `disarm` stops the grace timer.
   */
  killRunning(reason: OperationalError, graceMs: number, ended: () => boolean, landed: () => boolean): RunningKill {
    const killing = this.killQuery(graceMs).catch((err: unknown) => {
      // A KILL that went out but was never confirmed may still run on the server, against
      // whatever this session runs next: the session cannot be handed on, unless the statement
      // itself ended with the KILL's 1317. One that never went out (no side session) leaves
      // the decision to the grace timer.
      if (err instanceof UnconfirmedKill && !landed()) {
        this.poison(
          new OperationalError(
            `Lost connection to MySQL server: discarded after the statement was cancelled (${reason.message}) because the KILL QUERY sent for it was not confirmed`,
            { errno: CR_SERVER_LOST, cause: err.cause ?? reason },
          ),
        );
      }
    });
    const grace = setTimeout(() => {
      if (!ended())
        this.poison(
          new OperationalError(
            `Lost connection to MySQL server: discarded after the statement was cancelled (${reason.message}) and the server did not end it within ${graceMs} ms`,
            { errno: CR_SERVER_LOST, cause: reason },
          ),
        );
    }, graceMs);
    return { killing, disarm: () => clearTimeout(grace) };
  }

  /** Cancels the running statement with `KILL QUERY` from a second session. */
  async killQuery(withinMs?: number): Promise<void> {
    const limit = withinMs ?? this.options.connectTimeoutMs ?? 10_000;
    const side = await WireConnection.connect({
      ...this.secretOptions(),
      database: undefined,
      autocommit: null,
      initCommand: undefined,
      sqlMode: undefined,
      connectTimeoutMs: limit,
      queryTimeoutMs: undefined,
    });
    // A server that accepts the side session but never answers must not keep it open.
    const timer = setTimeout(() => side.destroy(), limit);
    timer.unref();
    try {
      await (await side.query(`KILL QUERY ${this.session.connectionId}`)).drain();
    } catch (err) {
      // The server's own refusal (no privilege, say) means the KILL did not run; anything else
      // past this point (the side session lost or timed out) leaves unknown whether it will.
      if (err instanceof DatabaseError) throw err;
      throw new UnconfirmedKill(err);
    } finally {
      clearTimeout(timer);
      await side.close();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (!this.queue.failed && !this.streaming) {
      try {
        this.seq = 0;
        this.send(commandPacket(Command.QUIT));
      } catch {
        // Already unusable: nothing to say goodbye to.
      }
    }
    this.closed = true;
    this.queue.fail(closedError());
    this.idleWait?.abort();
    await new Promise<void>((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.end();
      setTimeout(() => {
        this.socket.destroy();
        resolve();
      }, 1000).unref();
    });
  }

  destroy(error?: Error): void {
    this.fail(error ?? closedError());
    this.closed = true;
  }

  /** Marks the session unusable after a protocol error that leaves it out of sync. */
  poison(error: Error): void {
    this.fail(error);
  }
}

/** A KILL QUERY sent from a side session whose answer never came (or was an error). */
class UnconfirmedKill extends Error {
  constructor(cause: unknown) {
    super('KILL QUERY was sent but not confirmed', { cause });
  }
}

/** Charsets whose text is UTF-8 on the wire, which is how statements and results are coded. */
const UTF8_CHARSETS = new Set(['utf8mb4', 'utf8', 'utf8mb3']);

function checkCharset(charset: string | undefined): void {
  if (charset === undefined || UTF8_CHARSETS.has(charset.toLowerCase())) return;
  throw new OptionError(
    `charset '${charset}' is not supported: statements and results are coded as UTF-8, so the session charset must be utf8mb4 (or utf8/utf8mb3); the server converts column charsets itself`,
  );
}

/** sql_mode values are comma-separated mode names; anything else would be spliced into SQL. */
function checkSqlMode(sqlMode: string | undefined): void {
  if (sqlMode === undefined || /^[A-Za-z0-9_, ]*$/.test(sqlMode)) return;
  throw new OptionError(`sqlMode '${sqlMode}' is not a comma-separated list of mode names`);
}

function checkMaxAllowedPacket(bytes: number | undefined): void {
  if (bytes === undefined || (Number.isSafeInteger(bytes) && bytes >= 1)) return;
  throw new OptionError(`maxAllowedPacket must be a positive integer of bytes, got ${String(bytes)}`);
}

function isIp(host: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':');
}

function defaultUser(): string {
  return process.env.USER ?? process.env.LOGNAME ?? process.env.USERNAME ?? 'root';
}

function connectionAttributes(o: WireOptions): Record<string, string> {
  const workload = process.env.SINGLESTOREDB_WORKLOAD_TYPE;
  const builtIn: Record<string, string> = {
    _os: process.platform,
    _pid: String(process.pid),
    _client_name: CLIENT_NAME,
    _client_version: workload ? `${CLIENT_VERSION}+${workload}` : CLIENT_VERSION,
  };
  if (o.programName) builtIn.program_name = o.programName;
  return { ...(o.connAttrs ?? {}), ...builtIn };
}

function openSocket(o: WireOptions, timeoutMs: number): Promise<Socket> {
  const where = o.socketPath ?? `${o.host ?? 'localhost'}:${o.port ?? 3306}`;
  return new Promise((resolve, reject) => {
    const socket = o.socketPath
      ? netConnect({ path: o.socketPath })
      : netConnect({ host: o.host ?? 'localhost', port: o.port ?? 3306, noDelay: true, keepAlive: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new OperationalError(`Can't connect to MySQL server on '${where}' (timed out after ${timeoutMs} ms)`, { errno: CR_CONN_HOST_ERROR }));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(new OperationalError(`Can't connect to MySQL server on '${where}' (${err.message})`, { errno: CR_CONN_HOST_ERROR, cause: err }));
    });
  });
}

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n, true);
  return out;
}
