#!/usr/bin/env node
import { MySQLError } from '@s2/base';
import { startDataApiGateway } from '@s2/testing';
import { parseCommand, USAGE } from './args.js';

const VERSION = '0.1.0';

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
  const gateway = await startDataApiGateway({ target: command.target, host: command.host, port: command.port, logger: command.verbose });
  process.stdout.write(`Data API gateway on ${gateway.url} -> ${command.target.host}:${command.target.port}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await gateway.close();
  process.stdout.write('stopped\n');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`s2: ${err instanceof MySQLError ? err.message : String((err as Error).stack ?? err)}\n`);
    process.exit(1);
  },
);
