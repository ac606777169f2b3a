/**
 * The registry of Fusion commands: which statements Fusion answers (fusion.md §1.3) and with which
 * grammar and handler.
 */
import type { CursorSession } from '@s2/core';
import type { Management } from '@s2/management';
import { compileGrammar, type CommandGrammar, type Params } from './grammar/index.js';
import { describeValue, FusionGrammarError, FusionValueError } from './errors.js';
import type { FusionResult } from './result.js';

/** What a handler gets besides its parameters. */
export interface FusionContext {
  /** The connection the statement was executed on. */
  readonly session: CursorSession;
  /** The statement, parameters interpolated. */
  readonly sql: string;
  /** The registry the command was found in (for the introspection commands). */
  readonly registry: FusionRegistry;
  /** The statement's `signal` / `timeoutMs`, when it has one (management calls made through `management()` follow it). */
  readonly signal?: AbortSignal;
  /** The Management API (v2 by default; the v1 workspace vocabulary is pinned to v1), made on first use. */
  management(): Management;
}

export type FusionRun = (params: Params, context: FusionContext) => FusionResult | null | void | Promise<FusionResult | null | void>;

/** A command as users register it: a grammar (with optional help sections) and a handler. */
export interface FusionCommandDefinition {
  grammar: string;
  run: FusionRun;
  /** Per top-level parameter: receives the parsed value (or its default), returns the value to use. */
  validators?: Readonly<Record<string, (value: unknown) => unknown>>;
  /** Emit a preview warning on each use. */
  preview?: boolean;
  /** Still runs, but warns that this command should be used instead. */
  deprecatedBy?: string;
}

export interface FusionCommand extends FusionCommandDefinition {
  /** Upper-case command key, words joined by one space (e.g. `SHOW WORKSPACE GROUPS`). */
  readonly key: string;
  readonly compiled: CommandGrammar;
}

/** A definition of the wrong shape fails when registered, not on the first statement that uses it. */
function checkDefinition(d: FusionCommandDefinition): void {
  const wrong = (what: string, v: unknown) => new FusionValueError(`a Fusion command definition needs ${what}, not ${describeValue(v)}`);
  if (!d || typeof d !== 'object' || Array.isArray(d)) throw wrong('to be an object { grammar, run }', d);
  if (typeof d.grammar !== 'string') throw wrong('a grammar string', d.grammar);
  if (typeof d.run !== 'function') throw wrong('a run function', d.run);
  if (d.validators !== undefined) {
    if (!d.validators || typeof d.validators !== 'object' || Array.isArray(d.validators)) throw wrong('validators as an object of functions', d.validators);
    for (const [key, f] of Object.entries(d.validators)) if (typeof f !== 'function') throw wrong(`a function as validator '${key}'`, f);
  }
  if (d.preview !== undefined && typeof d.preview !== 'boolean') throw wrong('preview as a boolean', d.preview);
  if (d.deprecatedBy !== undefined && typeof d.deprecatedBy !== 'string') throw wrong('deprecatedBy as a string', d.deprecatedBy);
}

/** Validators apply to top-level parameters; one keyed by a name the grammar lacks would silently never run. */
function checkValidatorKeys(d: FusionCommandDefinition, compiled: CommandGrammar, key: string): void {
  const names = [...compiled.rules.keys()].filter((n) => !n.startsWith('_') && !n.endsWith('_'));
  for (const name of Object.keys(d.validators ?? {})) {
    if (!names.includes(name)) throw new FusionGrammarError(`validator '${name}' names no parameter of ${key} (parameters: ${names.join(', ') || 'none'})`);
  }
}

export class FusionRegistry {
  private readonly commands = new Map<string, FusionCommand>();
  private matcher: RegExp | null = null;

  /** Registers a command; an existing key is an error unless `overwrite` is set. */
  register(definition: FusionCommandDefinition, options: { overwrite?: boolean } = {}): FusionCommand {
    checkDefinition(definition);
    const compiled = compileGrammar(definition.grammar);
    const key = compiled.commandKey.join(' ').toUpperCase();
    checkValidatorKeys(definition, compiled, key);
    if (this.commands.has(key) && !options.overwrite) {
      throw new FusionValueError(`command already exists, use overwrite: true to replace it: ${key}`);
    }
    const command: FusionCommand = { ...definition, key, compiled };
    this.commands.set(key, command);
    this.rebuild();
    return command;
  }

  unregister(key: string): boolean {
    const removed = this.commands.delete(key.trim().split(/\s+/).join(' ').toUpperCase());
    if (removed) this.rebuild();
    return removed;
  }

  get(key: string): FusionCommand | undefined {
    return this.commands.get(key);
  }

  /** Commands sorted by key. */
  list(): FusionCommand[] {
    return [...this.commands.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /**
   * The command a statement starts with: the longest matching key followed by whitespace, `;`
   * or the end. Only leading whitespace is skipped (a leading comment sends it to the server).
   */
  lookup(sql: string): FusionCommand | null {
    const m = this.matcher?.exec(sql);
    return m ? (this.commands.get(m[1].trim().split(/\s+/).join(' ').toUpperCase()) ?? null) : null;
  }

  private rebuild(): void {
    const keys = [...this.commands.keys()].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
    const alternatives = keys.map((k) =>
      k
        .split(' ')
        .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('\\s+'),
    );
    this.matcher = keys.length ? new RegExp(`^\\s*(${alternatives.join('|')})(?:\\s+|;|$)`, 'i') : null;
  }
}
