/** Exit status after an interrupt, as a shell reports a process ended by SIGINT. */
export const INTERRUPTED_EXIT = 130;

export interface StopSignals {
  /** Aborted at the first SIGINT or SIGTERM; its reason is the signal's name. */
  signal: AbortSignal;
  /** Stops watching the signals and lets the process end on its own. */
  dispose(): void;
}

/**
 * Watches SIGINT and SIGTERM for a command that runs until it is told to stop. A signal
 * listener does not keep Node running: once nothing else is pending (a started container
 * holds no socket open) the process would end, abandoning what it started. A timer holds it
 * until `dispose()`. A second signal while stopping ends the process at once, after `onForce`.
 */
export function watchStopSignals(onForce?: () => void): StopSignals {
  const controller = new AbortController();
  const keepAlive = setInterval(() => {}, 2 ** 30);
  const onSignal = (name: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      controller.abort(name);
      return;
    }
    onForce?.();
    process.exit(INTERRUPTED_EXIT);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      clearInterval(keepAlive);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Resolves when the signal is aborted. */
export function aborted(signal: AbortSignal): Promise<void> {
  return signal.aborted ? Promise.resolve() : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** Status of a process killed by SIGPIPE (128 + 13), which is what a shell would report. */
export const BROKEN_PIPE_EXIT = 141;

/**
 * A reader that goes away (`s2 sql … | head -2`) makes writes fail with EPIPE; unhandled, that
 * is a crash with a stack trace. The output is then of no use to anyone, so the process ends
 * quietly, with the status a shell gives a process killed by SIGPIPE: the statements after
 * that point did not run, and a script should be able to tell.
 */
export function exitQuietlyOnClosedPipe(stream: NodeJS.WritableStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(BROKEN_PIPE_EXIT);
    process.stderr.write(`s2: cannot write the output: ${err.message}\n`);
    process.exit(1);
  });
}
