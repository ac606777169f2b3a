import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

/** A server this process started and has not stopped yet. */
interface Owned {
  child: () => ChildProcess | null;
  dir: string;
}

const owned = new Set<Owned>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function removeAllNow(): void {
  for (const server of owned) {
    const child = server.child();
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(server.dir, { recursive: true, force: true });
  }
  owned.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeAllNow();
  uninstall();
  // Listening to a signal suppresses Node's default exit; give it back unless someone else
  // (a test runner) has its own handler and decides what the signal means.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  // A signal ends the process without an 'exit' event, and an exit skips any awaited stop():
  // without these hooks an interrupted test run leaves mariadbd and its datadir behind.
  process.on('exit', removeAllNow);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off('exit', removeAllNow);
  for (const s of SIGNALS) process.off(s, onSignal);
}

/**
 * Kills the server and deletes its directory if the process exits or is interrupted before
 * `stop()` ran. Returns the function that drops the registration once the server is stopped.
 */
export function removeOnExit(child: () => ChildProcess | null, dir: string): () => void {
  const entry: Owned = { child, dir };
  owned.add(entry);
  install();
  return () => {
    owned.delete(entry);
    if (owned.size === 0) uninstall();
  };
}
