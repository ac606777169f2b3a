/**
 * The compiled form of a Fusion grammar: a small PEG over SQL tokens. Each handler's
 * documentation-style grammar text compiles into one `CommandGrammar`.
 */

export type GrammarNode =
  | { kind: 'keyword'; word: string }
  /** A user-supplied string: quoted ('', "", ``) or a bare word. */
  | { kind: 'slot' }
  | { kind: 'integer' }
  | { kind: 'number' }
  | { kind: 'json' }
  /** `part` or `part.part`, each part bare or back-quoted. */
  | { kind: 'identifier' }
  /** The rest of the input. */
  | { kind: 'statement' }
  | { kind: 'punct'; char: '=' | '(' | ')' | ',' }
  | { kind: 'seq'; items: GrammarNode[] }
  /** Ordered choice: the first alternative that matches wins. */
  | { kind: 'choice'; alts: GrammarNode[] }
  /** Zero or one. */
  | { kind: 'optional'; item: GrammarNode }
  /** Merged adjacent optional groups: any number of the alternatives, in any order. */
  | { kind: 'anyOrder'; alts: GrammarNode[] }
  /** `x,...`: one or more comma-separated items, optionally in brackets. */
  | { kind: 'repeat'; item: GrammarNode }
  | { kind: 'rule'; name: string };

export interface RuleInfo {
  name: string;
  /** Spliced in from a builtin (`<order-by>` → `order_by`), not written by the grammar's author. */
  builtin: boolean;
  /** Leading upper-case words of the definition: their values are not part of the rule's value. */
  leadingKeywords: number;
  /** The definition contains `,...`: the value is always a list. */
  repeats: boolean;
  /** Value given to the key when the rule matched nowhere. */
  defaultValue: unknown;
  node: GrammarNode;
}

export interface CommandGrammar {
  /** Leading upper-case keywords of the command, e.g. ['SHOW', 'WORKSPACE', 'GROUPS']. */
  commandKey: string[];
  /** The command itself (keywords included). */
  command: GrammarNode;
  commandKeywords: number;
  rules: Map<string, RuleInfo>;
  /** Human-readable syntax, starting with a newline and ending with ';'. */
  syntax: string;
  /** Markdown help generated from the grammar's help sections. */
  help: string;
  /** The grammar text as given. */
  source: string;
}
