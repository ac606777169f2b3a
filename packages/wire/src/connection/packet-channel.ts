import type { DecodeOptions, OperationalError, RowDecoderFactory, SessionInfo } from '@s2/base';
import type { PacketRun } from './packet-queue.js';

/** A KILL QUERY under way for a cancelled statement. */
export interface RunningKill {
  /** Settles once the KILL has run or was given up. */
  readonly killing: Promise<void>;
  /** Stops the grace timer. */
  disarm(): void;
}

/**
 * What a command's response needs from the session that carries it: packets in and out, the
 * negotiated protocol details and the session's lifecycle hooks. WireConnection implements
 * it; the response code depends on this narrow view only, as the auth code does on its own.
 */
export interface PacketChannel {
  readonly session: SessionInfo;
  /** false once the session broke or was closed. */
  readonly isOpen: boolean;
  /** CLIENT_DEPRECATE_EOF in effect. */
  readonly deprecateEof: boolean;
  /** CLIENT_SESSION_TRACK in effect: OK packets are parsed with a length-prefixed info. */
  readonly sessionTrack: boolean;
  readonly decodeOptions: DecodeOptions;
  readonly rowDecoderFactory: RowDecoderFactory | undefined;
  /** Sequence id the next packet must carry. */
  readonly expectedSeq: number;

  readPacket(): Promise<Buffer>;
  takePacket(): Buffer | undefined;
  waitForPacket(): Promise<void>;
  peekRun(): PacketRun | undefined;
  takeFromRun(bytes: number, count: number, lastSeq: number): void;
  /** Sends one payload; false when the socket buffer is full. */
  send(payload: Uint8Array): boolean;
  flushWrites(): Promise<void>;

  /**
   * Cancels the running statement from a side session; the session is discarded if `ended()`
   * is still false after `graceMs`.
   */
  killRunning(reason: OperationalError, graceMs: number, ended: () => boolean, landed: () => boolean): RunningKill;
  /**
   * An OK packet (or, with CLIENT_DEPRECATE_EOF, an end of rows) whose status has
   * SESSION_STATE_CHANGED: the session takes the database it reports, if any.
   */
  sessionStateChanged(ok: Uint8Array): void;
  /** The response has read its last packet: the session is free. */
  responseFinished(response: object): void;
  /** The session is out of sync or past a deadline: tear it down with this error. */
  poison(error: Error): void;
  /**
   * A buffered response holds the error of a later statement of its text (or null once it has
   * been thrown): unless the response throws it first, the session's next command does.
   */
  holdError(response: HeldError | null, previous?: HeldError): void;
}

/** A response holding the error of a later statement of its text (see PacketChannel.holdError). */
export interface HeldError {
  /** The held error, handed over once (null when already thrown). */
  takeLaterError(): Error | null;
}
