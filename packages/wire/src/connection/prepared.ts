import type { StatementStatus } from '@s2/base';

/** COM_STMT_* command bytes (the binary protocol). */
export const STMT_PREPARE = 0x16;
export const STMT_EXECUTE = 0x17;
export const STMT_CLOSE = 0x19;

/** A server-side prepared statement. */
export interface PreparedStatement {
  id: number;
  params: number;
  columns: number;
}

/**
 * The binary protocol's commands, valid only inside `WireConnection.withPreparedStatements`
 * (which holds the session): executemany's `binary` mode runs its chunks through these.
 */
export interface PreparedCommands {
  prepare(sql: string): Promise<PreparedStatement>;
  /** Sends one COM_STMT_EXECUTE (its body, without the command byte) and reads its OK or error. */
  execute(body: Uint8Array): Promise<StatementStatus>;
  /** COM_STMT_CLOSE: the server sends no reply. */
  close(id: number): void;
}

/** The COM_STMT_PREPARE_OK header: 0x00, id (4), columns (2), params (2), filler, warnings (2). */
export function parsePrepareOk(p: Uint8Array): PreparedStatement {
  const view = new DataView(p.buffer, p.byteOffset, p.byteLength);
  return { id: view.getUint32(1, true), columns: view.getUint16(5, true), params: view.getUint16(7, true) };
}
