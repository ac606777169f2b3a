/**
 * Compiles a Fusion grammar (the notation of the handlers' documentation, fusion.md §3) into
 * a `CommandGrammar`: a PEG tree for the matcher, rule metadata for building `params`, and the
 * syntax and help texts.
 */
import type { CommandGrammar, GrammarNode, RuleInfo } from './ast.js';
import { describeValue, FusionGrammarError } from '../errors.js';
import { buildHelp } from './help.js';
import { BUILTIN_DEFAULTS, TERMINALS, buildSyntax, injectBuiltins, isKeywordOnly, leadingKeywords, ruleLines, stripHelpAndComments } from './text.js';

type Token =
  | { t: 'open' | 'close' | 'bopen' | 'bclose' | 'bar' | 'repeat' }
  | { t: 'punct'; char: '=' | '(' | ')' | ',' }
  | { t: 'slot' }
  | { t: 'keyword'; word: string }
  | { t: 'name'; name: string };

const TOKEN = /\s*(?:(,\s*\.\.\.)|('[^']*')|(<comma>)|<([a-z0-9_-]+)>|([[\]{}|=()])|([@A-Za-z0-9_]+))/y;

function tokenize(definition: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < definition.length) {
    if (/^\s*$/.test(definition.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(definition);
    if (!m) throw new FusionGrammarError(`unexpected text in grammar at '${definition.slice(at, at + 20)}': ${definition}`);
    if (m[1]) out.push({ t: 'repeat' });
    else if (m[2]) out.push({ t: 'slot' });
    else if (m[3]) out.push({ t: 'punct', char: ',' });
    else if (m[4]) out.push({ t: 'name', name: m[4].replace(/-/g, '_') });
    else if (m[5]) {
      const c = m[5];
      if (c === '[') out.push({ t: 'open' });
      else if (c === ']') out.push({ t: 'close' });
      else if (c === '{') out.push({ t: 'bopen' });
      else if (c === '}') out.push({ t: 'bclose' });
      else if (c === '|') out.push({ t: 'bar' });
      else out.push({ t: 'punct', char: c as '=' | '(' | ')' });
    } else {
      const w = m[6];
      out.push(/^@*[A-Z0-9_]+$/.test(w) && /[A-Z@]/.test(w) ? { t: 'keyword', word: w } : { t: 'name', name: w });
    }
  }
  return out;
}

/** Element of a sequence before adjacent optional groups are merged. */
type Element = { node: GrammarNode } | { group: GrammarNode[]; keywordsOnly: boolean };

class DefinitionParser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly source: string,
    private readonly known: (name: string) => boolean,
  ) {}

  parse(): GrammarNode {
    const node = this.sequence();
    if (this.i < this.tokens.length) throw this.error(`unbalanced '${this.tokens[this.i].t}'`);
    return node;
  }

  private error(msg: string): FusionGrammarError {
    return new FusionGrammarError(`${msg} in grammar: ${this.source}`);
  }

  /** Alternatives separated by '|' at this level, up to the closing token. */
  private alternatives(close: 'close' | 'bclose'): GrammarNode[] {
    const alts = [this.sequence()];
    while (this.tokens[this.i]?.t === 'bar') {
      this.i++;
      alts.push(this.sequence());
    }
    if (this.tokens[this.i]?.t !== close) throw this.error(`missing '${close === 'close' ? ']' : '}'}'`);
    this.i++;
    return alts;
  }

  private sequence(): GrammarNode {
    const elements: Element[] = [];
    for (;;) {
      const tok = this.tokens[this.i];
      if (!tok || tok.t === 'close' || tok.t === 'bclose' || tok.t === 'bar') break;
      this.i++;
      let node: GrammarNode;
      if (tok.t === 'open') {
        const alts = this.alternatives('close');
        const keywordsOnly = alts.length > 1 && alts.every((a) => a.kind === 'keyword');
        if (this.tokens[this.i]?.t !== 'repeat') {
          elements.push({ group: alts, keywordsOnly });
          continue;
        }
        node = keywordsOnly ? { kind: 'optional', item: { kind: 'choice', alts } } : groupNode(alts);
      } else if (tok.t === 'bopen') {
        const alts = this.alternatives('bclose');
        if (alts.length < 2) throw this.error('alternates must contain "|"');
        node = { kind: 'choice', alts };
      } else if (tok.t === 'repeat') {
        throw this.error("',...' must follow an item");
      } else if (tok.t === 'punct') {
        node = { kind: 'punct', char: tok.char };
      } else if (tok.t === 'slot') {
        node = { kind: 'slot' };
      } else if (tok.t === 'keyword') {
        node = { kind: 'keyword', word: tok.word };
      } else if (tok.t === 'name') {
        node = this.named(tok.name);
      } else {
        throw this.error(`unexpected '${tok.t}'`);
      }
      if (this.tokens[this.i]?.t === 'repeat') {
        this.i++;
        node = { kind: 'repeat', item: node };
      }
      elements.push({ node });
    }
    return sequenceOf(mergeOptionalGroups(elements));
  }

  private named(name: string): GrammarNode {
    if (this.known(name)) return { kind: 'rule', name };
    switch (name) {
      case 'integer':
        return { kind: 'integer' };
      case 'number':
        return { kind: 'number' };
      case 'json':
        return { kind: 'json' };
      case 'statement':
        return { kind: 'statement' };
      case 'table':
      case 'column':
      case 'catalog_name':
      case 'link_name':
        return { kind: 'identifier' };
      default:
        throw this.error(`unknown rule '${name}'`);
    }
  }
}

function groupNode(alts: GrammarNode[]): GrammarNode {
  return alts.length === 1 ? { kind: 'optional', item: alts[0] } : { kind: 'anyOrder', alts };
}

/**
 * Adjacent optional groups act as one "any of these, in any order" group (the behaviour
 * of the SingleStoreDB Python SDK (singlestoredb 1.18.1), which lets optional clauses come in any order).
 * Groups of bare keywords (`[ ASC | DESC ]`) stay "at most one of them" and are not merged.
 */
function mergeOptionalGroups(elements: Element[]): GrammarNode[] {
  const out: GrammarNode[] = [];
  let pending: GrammarNode[][] = [];
  const flush = () => {
    if (pending.length === 0) return;
    const alts = pending.flat();
    out.push(pending.length === 1 && alts.length === 1 ? { kind: 'optional', item: alts[0] } : { kind: 'anyOrder', alts });
    pending = [];
  };
  for (const e of elements) {
    if ('group' in e && !e.keywordsOnly) {
      pending.push(e.group);
      continue;
    }
    flush();
    out.push('group' in e ? { kind: 'optional', item: { kind: 'choice', alts: e.group } } : e.node);
  }
  flush();
  return out;
}

function sequenceOf(items: GrammarNode[]): GrammarNode {
  return items.length === 1 ? items[0] : { kind: 'seq', items };
}

/** Compiles a handler's grammar (with or without help sections). */
export function compileGrammar(source: string): CommandGrammar {
  if (typeof source !== 'string') throw new FusionGrammarError(`a grammar must be a string, not ${describeValue(source)}`);
  const { text: grammar, builtinRules } = injectBuiltins(stripHelpAndComments(source));
  const semi = grammar.indexOf(';');
  if (semi < 0) throw new FusionGrammarError('a grammar needs a semicolon at the end of the command');
  const commandKey = leadingKeywords(grammar);
  if (commandKey.length === 0) throw new FusionGrammarError(`a command must start with upper-case keywords: ${grammar.trim().slice(0, 40)}`);
  const syntax = buildSyntax(grammar);
  const definitions = ruleLines(grammar.slice(semi + 1), false);
  const known = (name: string) => definitions.has(name);
  const rules = new Map<string, RuleInfo>();
  for (const [name, definition] of definitions) {
    const repeats = definition.includes(',...');
    const builtin = builtinRules.has(name) ? BUILTIN_DEFAULTS[name] : undefined;
    rules.set(name, {
      name,
      builtin: builtinRules.has(name),
      leadingKeywords: leadingKeywords(definition).length,
      repeats,
      defaultValue: builtin ? builtin() : isKeywordOnly(definition) ? false : repeats ? [] : null,
      node: new DefinitionParser(tokenize(definition), definition, known).parse(),
    });
  }
  const commandText = grammar.slice(0, semi).replace(/\n\s*&+/g, ' ');
  return {
    commandKey,
    command: new DefinitionParser(tokenize(commandText), commandText.trim(), known).parse(),
    commandKeywords: commandKey.length,
    rules,
    syntax,
    help: buildHelp(syntax, source),
    source,
  };
}

export { TERMINALS };
