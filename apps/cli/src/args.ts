import { parseArgs } from 'node:util';
import { OptionError } from '@s2/base';
import { parseConnectionUrl } from '@s2/core';

export interface GatewayCommand {
  command: 'data-api-gateway';
  target: { host: string; port: number; socketPath?: string };
  host: string;
  port: number;
  verbose: boolean;
}

export const USAGE = `Usage:
  s2 data-api-gateway --target mysql://host:3306 [--host 127.0.0.1] [--port 9000] [--verbose]
      Serve the SingleStore Data API (/api/v2/exec, /api/v2/query/{rows,tuples}, /ping) in front of
      a MySQL-compatible server. Clients authenticate with Basic auth as database users.
  s2 --help | --version`;

/** Parses argv into a command; bad input is an OptionError whose message says what to fix. */
export function parseCommand(argv: string[]): GatewayCommand | 'help' | 'version' {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      target: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '9000' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      version: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  if (values.version) return 'version';
  const [command] = positionals;
  if (command !== 'data-api-gateway') throw new OptionError(command ? `unknown command '${command}'` : 'no command given');
  const target = values.target ?? process.env.SINGLESTOREDB_URL;
  if (!target) throw new OptionError('--target (or SINGLESTOREDB_URL) is required: the MySQL-protocol server to front');
  const url = parseConnectionUrl(target);
  if (url.driver && url.driver !== 'mysql') throw new OptionError(`--target must be a mysql:// URL, got ${url.driver}://`);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new OptionError(`--port must be a port number, got '${values.port}'`);
  return { command: 'data-api-gateway', target: { host: url.host ?? '127.0.0.1', port: url.port ?? 3306 }, host: values.host!, port, verbose: values.verbose! };
}
