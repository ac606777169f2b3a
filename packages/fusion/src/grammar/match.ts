/**
 * Matches a statement against a compiled grammar (a PEG: ordered choice, greedy optional and
 * repeated parts) and builds the `params` object of fusion.md §3.5.
 */
import { parseJsonLossless } from '@s2/base';
import type { CommandGrammar, GrammarNode, RuleInfo } from './ast.js';
import { describeValue, FusionSyntaxError, FusionValueError } from '../errors.js';

export type Params = Record<string, unknown>;

/** A named rule that matched: one `{ key: value }` entry once the parse is done. */
class RuleHit {
  constructor(
    readonly key: string,
    readonly value: unknown,
    readonly names: readonly string[],
  ) {}
  toObject(): Record<string, unknown> {
    return { [this.key]: this.value };
  }
}

class DuplicateRule extends Error {
  constructor(readonly rule: string) {
    super(rule);
  }
}

/** Ends matching that takes too long (pathological input): reported as a parse error. */
class BudgetExceeded extends Error {}

const WS = /\s+|\/\*[\s\S]*?\*\//y;
const SLOT = /"([^"]*)"|'([^']*)'|([A-Za-z0-9_\-.]+)|`([^`]+)`/y;
const INTEGER = /-?\d+/y;
const NUMBER = /[-+]?(?:\d*\.)?\d+(?:e[-+]?\d+)?/iy;
const IDENT = /(?:([A-Za-z0-9_-]+)|`([^`]+)`)(?:\.(?:([A-Za-z0-9_-]+)|`([^`]+)`))?/y;
const WORD_CHAR = /[A-Za-z0-9_@]/;
const OPENERS = '([{';
const CLOSERS = ')]}';
const STEP_BUDGET = 500_000;

function sticky(re: RegExp, text: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(text);
}

/** End of the JSON object starting at `pos` (a '{'), or -1; strings and nesting respected. */
function jsonObjectEnd(text: string, pos: number): number {
  let depth = 0;
  for (let i = pos; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      if (i >= text.length) return -1;
    } else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return c === '}' ? i + 1 : -1;
    }
  }
  return -1;
}

class Matcher {
  /** Furthest position at which a terminal failed: where the error is reported. */
  furthest = 0;
  private steps = 0;

  constructor(
    private readonly g: CommandGrammar,
    private readonly text: string,
  ) {}

  skip(pos: number): number {
    for (;;) {
      const m = sticky(WS, this.text, pos);
      if (!m || m[0].length === 0) return pos;
      pos += m[0].length;
    }
  }

  private fail(pos: number): -1 {
    if (pos > this.furthest) this.furthest = pos;
    return -1;
  }

  /** Matches `node` at `pos`; pushes its values into `out`; returns the end or -1 (out restored). */
  match(node: GrammarNode, start: number, out: unknown[]): number {
    if (++this.steps > STEP_BUDGET) throw new BudgetExceeded();
    const mark = out.length;
    const end = this.matchNode(node, start, out);
    if (end < 0) out.length = mark;
    return end;
  }

  private matchNode(node: GrammarNode, start: number, out: unknown[]): number {
    const text = this.text;
    switch (node.kind) {
      case 'keyword': {
        const pos = this.skip(start);
        const word = text.slice(pos, pos + node.word.length);
        if (word.toUpperCase() !== node.word || WORD_CHAR.test(text[pos + node.word.length] ?? '')) return this.fail(pos);
        out.push(word);
        return pos + word.length;
      }
      case 'slot': {
        const pos = this.skip(start);
        const m = sticky(SLOT, text, pos);
        if (!m) return this.fail(pos);
        out.push(m[1] ?? m[2] ?? m[3] ?? m[4]);
        return pos + m[0].length;
      }
      case 'integer': {
        const pos = this.skip(start);
        const m = sticky(INTEGER, text, pos);
        if (!m) return this.fail(pos);
        const n = Number(m[0]);
        out.push(Number.isSafeInteger(n) ? n : BigInt(m[0]));
        return pos + m[0].length;
      }
      case 'number': {
        const pos = this.skip(start);
        const m = sticky(NUMBER, text, pos);
        if (!m) return this.fail(pos);
        out.push(Number(m[0]));
        return pos + m[0].length;
      }
      case 'identifier': {
        const pos = this.skip(start);
        const m = sticky(IDENT, text, pos);
        if (!m) return this.fail(pos);
        const first = m[1] ?? m[2];
        const second = m[3] ?? m[4];
        out.push(second === undefined ? first : [first, second]);
        return pos + m[0].length;
      }
      case 'json': {
        const pos = this.skip(start);
        if (text[pos] !== '{') return this.fail(pos);
        const end = jsonObjectEnd(text, pos);
        if (end < 0) return this.fail(pos);
        try {
          out.push(parseJsonLossless(text.slice(pos, end)));
        } catch {
          return this.fail(pos);
        }
        return end;
      }
      case 'statement': {
        out.push(new RuleHit('statement', text.slice(start).trim(), []));
        return text.length;
      }
      case 'punct': {
        const pos = this.skip(start);
        return text[pos] === node.char ? pos + 1 : this.fail(pos);
      }
      case 'seq': {
        let pos = start;
        for (const item of node.items) {
          pos = this.match(item, pos, out);
          if (pos < 0) return -1;
        }
        return pos;
      }
      case 'choice': {
        for (const alt of node.alts) {
          const end = this.match(alt, start, out);
          if (end >= 0) return end;
        }
        return -1;
      }
      case 'optional': {
        const end = this.match(node.item, start, out);
        return end >= 0 ? end : start;
      }
      case 'anyOrder': {
        let pos = start;
        for (;;) {
          let next = -1;
          for (const alt of node.alts) {
            next = this.match(alt, pos, out);
            if (next >= 0) break;
          }
          if (next < 0 || next === pos) return pos;
          pos = next;
        }
      }
      case 'repeat': {
        let pos = this.skip(start);
        if (OPENERS.includes(text[pos] ?? '\0')) pos++;
        pos = this.match(node.item, pos, out);
        if (pos < 0) return -1;
        for (;;) {
          const comma = this.skip(pos);
          if (text[comma] !== ',') break;
          const next = this.match(node.item, comma + 1, out);
          if (next < 0) break;
          pos = next;
        }
        const close = this.skip(pos);
        return CLOSERS.includes(text[close] ?? '\0') ? close + 1 : pos;
      }
      case 'rule': {
        const info = this.g.rules.get(node.name)!;
        const inner: unknown[] = [];
        const end = this.match(info.node, start, inner);
        if (end < 0) return -1;
        out.push(ruleHit(info, inner));
        return end;
      }
    }
  }
}

function namesWithin(items: readonly unknown[]): string[] {
  return items.flatMap((x) => (x instanceof RuleHit ? x.names : []));
}

function plain(v: unknown): unknown {
  return v instanceof RuleHit ? v.toObject() : v;
}

function mergeHits(hits: readonly RuleHit[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const h of hits) {
    if (Object.prototype.hasOwnProperty.call(out, h.key)) throw new DuplicateRule(h.key);
    out[h.key] = h.value;
  }
  return out;
}

/** `ORDER BY` gives `{by, ascending}`, ready for sorting a result. */
function orderByValue(items: readonly unknown[]): unknown {
  const by: unknown[] = [];
  const ascending: boolean[] = [];
  for (const item of items) {
    if (!(item instanceof RuleHit)) continue;
    const [key, direction] = Array.isArray(item.value) ? item.value : [item.value, 'ASC'];
    by.push(key);
    ascending.push(!/^d/i.test(String(direction ?? 'A')));
  }
  return { by, ascending };
}

/** The value of a rule from what matched inside it (fusion.md §3.5 steps 1-5, with the port's choices). */
function ruleHit(info: RuleInfo, items: unknown[]): RuleHit {
  const key = info.name.replace(/^_+/, '');
  const names = [info.name, ...namesWithin(items)];
  const rest = items.slice(info.leadingKeywords);
  if (info.builtin && info.name === 'order_by') return new RuleHit(key, orderByValue(rest), names);
  if (info.repeats || rest.length > 1) {
    if (!info.repeats && rest.every((x) => x instanceof RuleHit)) return new RuleHit(key, mergeHits(rest as RuleHit[]), names);
    return new RuleHit(key, rest.map(plain), names);
  }
  return new RuleHit(key, rest.length ? plain(rest[0]) : true, names);
}

/**
 * Rules repeated (`x,...`) in the command itself rather than inside a rule: each match is one
 * element of a list (fusion.md §3.6; the reference rejects a second item as a duplicate).
 */
function repeatedInCommand(node: GrammarNode, inRepeat: boolean, out: Set<string>): Set<string> {
  switch (node.kind) {
    case 'rule':
      if (inRepeat) out.add(node.name);
      break;
    case 'seq':
      for (const item of node.items) repeatedInCommand(item, inRepeat, out);
      break;
    case 'choice':
    case 'anyOrder':
      for (const alt of node.alts) repeatedInCommand(alt, inRepeat, out);
      break;
    case 'optional':
      repeatedInCommand(node.item, inRepeat, out);
      break;
    case 'repeat':
      repeatedInCommand(node.item, true, out);
      break;
  }
  return out;
}

const repeatedRules = new WeakMap<CommandGrammar, Set<string>>();

/** The command's top-level clauses as params: one value per clause, a list per repeated rule. */
function commandParams(g: CommandGrammar, hits: readonly RuleHit[]): Params {
  let listed = repeatedRules.get(g);
  if (!listed) repeatedRules.set(g, (listed = repeatedInCommand(g.command, false, new Set())));
  if (listed.size === 0) return mergeHits(hits);
  const params = mergeHits(hits.filter((h) => !listed.has(h.names[0])));
  for (const name of listed) {
    const values = hits.filter((h) => h.names[0] === name).map((h) => h.value);
    if (values.length > 0) params[name.replace(/^_+/, '')] = values;
  }
  return params;
}

/** Code points in `text` from `start` to `end` (UTF-16 indices): Python counts characters that way. */
function codePoints(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++, n++) {
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < end && next >= 0xdc00 && next <= 0xdfff) i++;
  }
  return n;
}

/**
 * Where parsing stopped, as the reference words it: `<lead> '<20 characters>' (line L, column C).`
 * with characters and columns counted in code points. The reference lifts this detail out of
 * the parser's message with a regex whose `.` stops at a line break, so when the 20 quoted
 * characters hold a newline it shows no detail at all; that is copied to keep the messages equal.
 */
function whereDetail(lead: string, text: string, pos: number): string {
  let end = pos;
  for (let n = 0; n < 20 && end < text.length; n++) end += text.codePointAt(end)! > 0xffff ? 2 : 1;
  const quoted = text.slice(pos, end);
  if (quoted.includes('\n')) return '';
  const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
  const line = text.slice(0, lineStart).split('\n').length;
  return ` ${lead} '${quoted}' (line ${line}, column ${codePoints(text, lineStart, pos) + 1}).`;
}

function syntaxError(g: CommandGrammar, detail: string): FusionSyntaxError {
  const indented = g.syntax
    .split('\n')
    .map((l) => (l ? `  ${l}` : l))
    .join('\n');
  return new FusionSyntaxError(`Could not parse statement.${detail} Expecting:\n${indented}`);
}

/**
 * Parses `sql` with the grammar. Throws FusionSyntaxError (a ProgrammingError) with the
 * command's syntax when it does not parse; never anything else for any input.
 */
export function parseStatement(g: CommandGrammar, sql: string): Params {
  if (!g || typeof g !== 'object' || !(g.rules instanceof Map) || !g.command) throw new FusionValueError('parseStatement needs a grammar from compileGrammar');
  if (typeof sql !== 'string') throw new FusionValueError(`a statement must be a string, not ${describeValue(sql)}`);
  const m = new Matcher(g, sql);
  const items: unknown[] = [];
  let end: number;
  try {
    end = m.match(g.command, m.skip(0), items);
  } catch (e) {
    if (e instanceof BudgetExceeded) throw syntaxError(g, ' The statement is too complex to parse.');
    if (e instanceof DuplicateRule) throw syntaxError(g, ` The clause '${e.rule}' is given more than once.`);
    throw e;
  }
  if (end < 0) {
    throw syntaxError(g, whereDetail("Rule didn't match at", sql, m.furthest));
  }
  let tail = m.skip(end);
  if (sql[tail] === ';') tail = m.skip(tail + 1);
  if (tail < sql.length) {
    throw syntaxError(g, whereDetail('The non-matching portion of the text begins with', sql, tail));
  }
  const hits = items.slice(g.commandKeywords).filter((x): x is RuleHit => x instanceof RuleHit);
  let params: Params;
  try {
    params = commandParams(g, hits);
  } catch (e) {
    if (e instanceof DuplicateRule) throw syntaxError(g, ` The clause '${e.rule}' is given more than once.`);
    throw e;
  }
  const handled = new Set(namesWithin(hits));
  for (const [name, info] of g.rules) {
    if (name.startsWith('_') || name.endsWith('_') || handled.has(name) || name in params) continue;
    params[name] = cloneDefault(info.defaultValue);
  }
  return params;
}

function cloneDefault(v: unknown): unknown {
  if (Array.isArray(v)) return [...v];
  if (v && typeof v === 'object') return structuredClone(v);
  return v;
}
