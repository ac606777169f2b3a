import type { CallOptions } from '../http/client.js';
import type { TransferProgress } from './body.js';

export interface TransferOptions extends CallOptions {
  /** Called as bytes move (throttled to whole chunks): bytes done and the total when known. */
  onProgress?: (p: TransferProgress) => void;
}

/** What a FilesObject asks of the location it came from (kept here so the two modules do not import each other). */
export interface FileOps {
  exists(path: string, opts?: CallOptions): Promise<boolean>;
  open(path: string, opts?: TransferOptions): Promise<ReadableStream<Uint8Array>>;
  download(path: string, opts?: TransferOptions): Promise<Uint8Array>;
  remove(path: string, opts?: CallOptions): Promise<void>;
  rmdir(path: string, opts?: CallOptions): Promise<void>;
  removeDirs(path: string, opts?: CallOptions): Promise<void>;
  rename(oldPath: string, newPath: string, opts?: CallOptions & { overwrite?: boolean }): Promise<{ name: string; path: string }>;
}
