#!/usr/bin/env node
import { createRequire } from 'node:module';
import { MySQLError } from '@s2/base';
import { startDataApiGateway } from '@s2/data-api-gateway';
import { parseCommand, SERVE_USAGE } from './args.js';
import { SERVER_USAGE, serverMain } from './server-start.js';
import { CLOUD_USAGE, runCloudCommand } from './cloud/index.js';
import { runSqlCommand, SQL_USAGE } from './sql/index.js';
import { aborted, exitQuietlyOnClosedPipe, watchStopSignals } from './signals.js';
import { serveUdfs } from './udf-serve.js';

// One version, the package's own (the source runs from src/, the build from dist/: both one level down).
const VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

const USAGE = `Usage:
${SQL_USAGE}
${SERVE_USAGE}
${SERVER_USAGE}
${CLOUD_USAGE}
  s2 --help | --version
Each command takes --help.`;

async function untilSignal(): Promise<void> {
  const stops = watchStopSignals();
  await aborted(stops.signal);
  stops.dispose();
}

async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === 'sql') {
    exitQuietlyOnClosedPipe(process.stdout);
    return runSqlCommand(rest, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });
  }
  if (first === 'cloud' || first === 'stage' || first === 'files' || first === 'jobs') {
    exitQuietlyOnClosedPipe(process.stdout);
    return runCloudCommand(first, rest, { stdout: process.stdout, stderr: process.stderr, env: process.env, isTTY: !!process.stderr.isTTY });
  }
  if (first === 'server') return serverMain(rest, { stdout: process.stdout, stderr: process.stderr });
  let command;
  try {
    command = parseCommand(argv);
  } catch (err) {
    process.stderr.write(`s2: ${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (command === 'version') {
    process.stdout.write(`s2 ${VERSION}\n`);
    return 0;
  }
  const log = (line: string) => process.stdout.write(`${line}\n`);
  let stop: () => Promise<void>;
  if (command.command === 'udf-serve') {
    stop = await serveUdfs(command, log);
  } else {
    const gateway = await startDataApiGateway({
      target: command.target,
      connectTimeoutMs: command.connectTimeoutMs,
      host: command.host,
      port: command.port,
      logger: command.verbose,
      maxConnections: command.maxConnections,
      queryTimeoutMs: command.queryTimeoutMs || undefined,
      requestTimeoutMs: command.requestTimeoutMs,
      maxQueued: command.maxQueued,
    });
    log(`Data API gateway on ${gateway.url} -> ${command.target.host}:${command.target.port}`);
    stop = () => gateway.close();
  }
  await untilSignal();
  await stop();
  log('stopped');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`s2: ${err instanceof MySQLError ? err.message : String((err as Error).stack ?? err)}\n`);
    process.exit(1);
  },
);
