import { parseArgs } from 'node:util';
import { OptionError } from '@s2/base';
import { DEFAULT_IMAGE, startDocker, type DockerOptions } from '@s2/server';

export const SERVER_USAGE = `  s2 server start [--image IMAGE] [--password PW] [--license KEY] [--port N] [--data-dir DIR]
                  [--init-sql FILE] [--database DB] [--readiness health-check|sql] [--timeout SECONDS]
                  [--no-studio] [--no-data-api]
      Start a SingleStore dev container (default ${DEFAULT_IMAGE}) on a Docker-compatible
      engine (DOCKER_HOST), print its URLs, and stop and remove it on Ctrl-C or SIGTERM.`;

export interface ServerIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Resolves when the user asks to stop (a signal). */
  untilStopped: () => Promise<void>;
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
    dataDir: values['data-dir'],
    initSql: values['init-sql'],
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
  const server = await startDocker(options);
  io.stdout.write(`server ready\n  connection URL: ${server.connectionUrl}\n`);
  if (server.httpConnectionUrl) io.stdout.write(`  Data API URL:   ${server.httpConnectionUrl}\n`);
  if (server.studioUrl) io.stdout.write(`  Studio:         ${server.studioUrl}\n`);
  io.stdout.write('Ctrl-C stops and removes it.\n');
  await io.untilStopped();
  await server.stop();
  io.stdout.write('stopped\n');
  return 0;
}
