import { OptionError } from '@s2/base';
import type { UdfDefinition } from './udf.js';

export interface CreateFunctionOptions {
  url: string;
  mode?: 'remote' | 'collocated' | 'managed';
  format?: 'rowdat_1' | 'json';
  database?: string;
  replace?: boolean;
  link?: string;
  /** Name prefix/suffix applied to the exported name. */
  prefix?: string;
  suffix?: string;
}

/** The name a function is created and called under: the affixes apply to both (udf.md §5.2). */
export function exportedName(def: UdfDefinition, affixes: Pick<CreateFunctionOptions, 'prefix' | 'suffix'>): string {
  return `${affixes.prefix ?? ''}${def.name}${affixes.suffix ?? ''}`;
}

/** A LINK name is written into statements unquoted: only word characters may pass. */
export function checkLinkName(link: string): void {
  if (!/^\w+$/.test(link)) throw new OptionError(`invalid LINK name: ${link}`);
}

const ident = (s: string) => `\`${s.replace(/`/g, '``')}\``;

/**
 * `CREATE [OR REPLACE] EXTERNAL FUNCTION …` exactly as the SingleStoreDB Python SDK (singlestoredb 1.18.1) writes it
 * (udf.md §4).
 */
export function createFunctionSql(def: UdfDefinition, options: CreateFunctionOptions): string {
  if (options.link !== undefined) checkLinkName(options.link);
  // The URL sits in a double-quoted literal: quotes, backslashes and control characters could end it.
  if (/["\\\x00-\x1f\x7f]/.test(options.url))
    throw new OptionError(`the service URL may not contain quotes, backslashes or control characters: ${JSON.stringify(options.url)}`);
  const name = exportedName(def, options);
  const qualified = options.database ? `${ident(options.database)}.${ident(name)}` : ident(name);
  const args = def.args.map(([n, type]) => `${ident(n)} ${type.toSql()}`).join(', ');
  const returns = def.kind === 'tvf' ? `TABLE(${def.returns.map(([n, type]) => `${ident(n)} ${type.toSql()}`).join(', ')})` : def.returns[0][1].toSql();
  return (
    `CREATE ${options.replace ? 'OR REPLACE ' : ''}EXTERNAL FUNCTION ${qualified}(${args}) RETURNS ${returns} ` +
    `AS ${(options.mode ?? 'remote').toUpperCase()} SERVICE "${options.url}" FORMAT ${(options.format ?? 'rowdat_1').toUpperCase()}` +
    `${options.link ? ` LINK ${options.link}` : ''};`
  );
}

export function dropFunctionSql(def: UdfDefinition, options: Pick<CreateFunctionOptions, 'database' | 'prefix' | 'suffix'> = {}): string {
  const name = exportedName(def, options);
  return `DROP FUNCTION IF EXISTS ${options.database ? `${ident(options.database)}.` : ''}${ident(name)};`;
}
