import { parseArgs } from 'node:util';
import { OptionError } from '@s2/base';
import { DEFAULT_IMAGE, startDocker, type DockerOptions, type DockerServer } from '@s2/server';
import { userPath } from './paths.js';
import { aborted, INTERRUPTED_EXIT, watchStopSignals } from './signals.js';

export const SERVER_USAGE = `  s2 server start [--image IMAGE] [--password PW] [--license KEY] [--port N] [--data-dir DIR]
                  [--init-sql FILE] [--database DB] [--readiness health-check|sql] [--timeout SECONDS]
                  [--no-studio] [--no-data-api]
      Start a SingleStore dev container (default ${DEFAULT_IMAGE}) on a Docker-compatible
      engine (DOCKER_HOST), print its URLs, and stop and remove it on Ctrl-C or SIGTERM (during the
      start too; exit status 130 then). Relative paths are taken from where the command was typed.`;

/** What `s2 server start` needs of a started server. */
export type RunningServer = Pick<DockerServer, 'connectionUrl' | 'httpConnectionUrl' | 'studioUrl' | 'stop'>;

export interface ServerIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /**
   * Aborted when the user asks to stop (SIGINT, SIGTERM). It must be watched from before the
   * start, so that a Ctrl-C while the container comes up removes it too.
   */
  stop: AbortSignal;
  /** Starts the server (startDocker; tests put a stand-in here). */
  start?: (options: DockerOptions) => Promise<RunningServer>;
}

function positive(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new OptionError(`${flag} must be a whole number from 1 to 65535, got '${text}'`);
  return n;
}

export function parseServerStart(argv: string[]): DockerOptions | 'help' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      image: { type: 'string' },
      password: { type: 'string' },
      license: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'init-sql': { type: 'string' },
      database: { type: 'string' },
      readiness: { type: 'string' },
      timeout: { type: 'string' },
      'no-studio': { type: 'boolean', default: false },
      'no-data-api': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (positionals[0] !== 'start' || positionals.length > 1) throw new OptionError(`'s2 server' takes one command: start`);
  if (values.readiness !== undefined && values.readiness !== 'health-check' && values.readiness !== 'sql')
    throw new OptionError(`--readiness must be health-check or sql, got '${values.readiness}'`);
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(timeout > 0)) throw new OptionError(`--timeout must be a number of seconds, got '${values.timeout}'`);
  return {
    image: values.image,
    password: values.password,
    license: values.license,
    serverPort: positive(values.port, '--port'),
    dataDir: values['data-dir'] === undefined ? undefined : userPath(values['data-dir']),
    initSql: values['init-sql'] === undefined ? undefined : userPath(values['init-sql']),
    database: values.database,
    readiness: values.readiness as DockerOptions['readiness'],
    startupTimeoutMs: timeout === undefined ? undefined : timeout * 1000,
    studio: !values['no-studio'],
    dataApi: !values['no-data-api'],
  };
}

/** `s2 server start`: returns the exit code once the container is stopped. */
export async function runServerCommand(argv: string[], io: ServerIo): Promise<number> {
  let options: DockerOptions | 'help';
  try {
    options = parseServerStart(argv);
  } catch (err) {
    io.stderr.write(`s2 server: ${(err as Error).message}\n\nUsage:\n${SERVER_USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    io.stdout.write(`Usage:\n${SERVER_USAGE}\n`);
    return 0;
  }
  io.stdout.write(`starting ${options.image ?? DEFAULT_IMAGE} …\n`);
  const start = io.start ?? startDocker;
  let server: RunningServer;
  try {
    server = await start({ ...options, signal: io.stop });
  } catch (err) {
    if (!io.stop.aborted) throw err;
    io.stdout.write('interrupted; nothing is left running\n');
    return INTERRUPTED_EXIT;
  }
  // A starter that ignores the signal resolves after it: what it started must not outlive the command.
  if (io.stop.aborted) {
    await server.stop();
    io.stdout.write('interrupted; the container was stopped and removed\n');
    return INTERRUPTED_EXIT;
  }
  io.stdout.write(`server ready\n  connection URL: ${server.connectionUrl}\n`);
  if (server.httpConnectionUrl) io.stdout.write(`  Data API URL:   ${server.httpConnectionUrl}\n`);
  if (server.studioUrl) io.stdout.write(`  Studio:         ${server.studioUrl}\n`);
  io.stdout.write('Ctrl-C stops and removes it.\n');
  await aborted(io.stop);
  io.stdout.write('stopping …\n');
  await server.stop();
  io.stdout.write('stopped\n');
  return 0;
}

/**
 * `s2 server start` as the process runs it: SIGINT and SIGTERM are watched, and the process held
 * open, from before the container is started until it has been stopped.
 */
export async function serverMain(argv: string[], io: Omit<ServerIo, 'stop'>): Promise<number> {
  const stops = watchStopSignals(() => io.stderr.write('s2: stopped waiting; the container may still be running\n'));
  try {
    return await runServerCommand(argv, { ...io, stop: stops.signal });
  } finally {
    stops.dispose();
  }
}
