#!/usr/bin/env node
import { MySQLError } from '@s2/base';
import { startDataApiGateway } from '@s2/data-api-gateway';
import { parseCommand, USAGE } from './args.js';
import { serveUdfs } from './udf-serve.js';

const VERSION = '0.1.0';

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

async function main(argv: string[]): Promise<number> {
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
    const gateway = await startDataApiGateway({ target: command.target, host: command.host, port: command.port, logger: command.verbose });
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
