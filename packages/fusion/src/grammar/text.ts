/**
 * Text-level steps of grammar compilation that must reproduce the output of
 * the SingleStoreDB Python SDK (singlestoredb 1.18.1) exactly,
 * because users see it: the builtin splicing, the command key, and the syntax text shown by
 * SHOW FUSION COMMANDS and in parse errors.
 */
import { FusionGrammarError } from '../errors.js';

/** Builtin rules, spliced in (in this order) wherever `<name>` appears in a grammar. */
const BUILTINS: ReadonlyArray<readonly [string, string]> = [
  ['<order-by>', "\n    order_by = ORDER BY order_by_key_,...\n    order_by_key_ = '<key>' [ ASC | DESC ]\n    "],
  ['<like>', "\n    like = LIKE '<pattern>'\n    "],
  ['<extended>', '\n    extended = EXTENDED\n    '],
  ['<limit>', '\n    limit = LIMIT <integer>\n    '],
  ['<integer>', ''],
  ['<number>', ''],
  ['<json>', ''],
  ['<table>', ''],
  ['<column>', ''],
  ['<catalog-name>', ''],
  ['<link-name>', ''],
  ['<file-type>', '\n    file_type = { FILE | FOLDER }\n    '],
  ['<statement>', ''],
];

/** Builtin terminals: lower-case words that are values, not rule references. */
export const TERMINALS = new Set(['integer', 'number', 'json', 'table', 'column', 'catalog_name', 'link_name', 'statement']);

/** Values of builtin rules that did not match. */
export const BUILTIN_DEFAULTS: Readonly<Record<string, () => unknown>> = {
  order_by: () => ({ by: [] }),
  like: () => null,
  extended: () => false,
  limit: () => null,
};

const HELP_START = /^\s*Description\s*\n\s*-----------\s*$/m;

/** The grammar part of a handler's documentation: help sections and `#` comment lines removed. */
export function stripHelpAndComments(doc: string): string {
  const m = HELP_START.exec(doc);
  const grammar = m ? doc.slice(0, m.index) : doc;
  return grammar.replace(/^[^\S\n]*#.*$/gm, '');
}

/** The grammar with builtins spliced in, and the names of the builtin rules it now defines. */
export function injectBuiltins(grammar: string): { text: string; builtinRules: Set<string> } {
  let text = grammar;
  const builtinRules = new Set<string>();
  for (const [token, rules] of BUILTINS) {
    if (!text.includes(token)) continue;
    text = text.split(token).join(token.slice(1, -1).replace(/-/g, '_')) + rules;
    for (const m of rules.matchAll(/^\s*([a-z_]+) =/gm)) builtinRules.add(m[1]);
  }
  return { text, builtinRules };
}

/** Leading run of all-caps words (`[@A-Z0-9_]+`), stopping at anything else or `;`. */
export function leadingKeywords(text: string): string[] {
  const m = /^\s*(?:[@A-Z0-9_]+(?:\s+|$|;))+/.exec(text);
  if (!m) return [];
  return m[0].replace(/;/g, '').trim().split(/\s+/);
}

/** Keyword-only definitions are flags: false when absent. */
export function isKeywordOnly(definition: string): boolean {
  return /^[@A-Z0-9_\s*]+$/.test(definition);
}

/** `name = definition` lines after the command; `&` lines continue the previous rule. */
export function ruleLines(rest: string, keepContinuationBreaks: boolean): Map<string, string> {
  const rules = new Map<string, string>();
  let name = '';
  for (const raw of rest.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('&')) {
      if (!name) throw new FusionGrammarError(`continuation line without a rule: ${line}`);
      rules.set(name, rules.get(name)! + (keepContinuationBreaks ? `\n${line}` : ` ${line.replace(/^&+/, '')}`));
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw new FusionGrammarError(`expected 'name = syntax' in grammar line: ${line}`);
    name = line.slice(0, eq).trim();
    if (!/^[a-z0-9_]+$/.test(name)) throw new FusionGrammarError(`invalid rule name '${name}' (lower-case letters, digits and '_')`);
    rules.set(name, line.slice(eq + 1).trim());
  }
  return rules;
}

/** Like Python's textwrap.dedent: common leading blanks removed, blank lines emptied. */
function dedent(text: string): string {
  const lines = text.split('\n').map((l) => (/^[ \t]+$/.test(l) ? '' : l));
  let margin: string | null = null;
  for (const l of lines) {
    if (!l) continue;
    const indent = /^[ \t]*/.exec(l)![0];
    if (margin === null || !indent.startsWith(margin)) {
      margin = margin === null ? indent : commonPrefix(margin, indent);
    }
  }
  return margin ? lines.map((l) => (l.startsWith(margin!) ? l.slice(margin!.length) : l)).join('\n') : lines.join('\n');
}

function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

/**
 * The syntax text: rule references replaced recursively by their definitions, layout of the
 * command kept, `&` continuations indented, spaces collapsed, `,...` tightened, `;` at the end.
 */
export function buildSyntax(grammar: string): string {
  const semi = grammar.indexOf(';');
  if (semi < 0) throw new FusionGrammarError('a grammar needs a semicolon at the end of the command');
  let cmd = grammar.slice(0, semi);
  const rules = ruleLines(grammar.slice(semi + 1), true);
  const reference = / ([a-z0-9_]+)\b/g;
  for (let round = 0; / [a-z0-9_]+\b/.test(cmd); round++) {
    if (round > 100) throw new FusionGrammarError('rule definitions refer to each other without end');
    cmd = cmd.replace(reference, (_, name: string) => (rules.has(name) ? ` ${rules.get(name)} ` : ` <${name}> `));
  }
  cmd = cmd.replace(/^(&+)\s*/gm, (_, amps: string) => '    '.repeat(1 + amps.length));
  cmd = `${dedent(cmd).trimEnd()};`;
  cmd = cmd.replace(/(\S) {2,}/g, '$1 ');
  cmd = cmd.replace(/<comma>/g, ',');
  return cmd.replace(/\s+,\s*\.\.\./g, ',...');
}
