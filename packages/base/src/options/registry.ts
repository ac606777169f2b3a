import { OptionError } from '../errors/index.js';
import { OPTION_DEFINITIONS, type OptionDefinition } from './definitions.js';
import { validate } from './validators.js';

/** Minimal AsyncLocalStorage shape; Node's is plugged in by @s2/core (this package stays runtime-neutral). */
export interface ScopeStorage<T> {
  getStore(): T | undefined;
  run<R>(store: T, fn: () => R): R;
}

/** Fallback for runtimes without async context: correct for synchronous callbacks only. */
class StackStorage<T> implements ScopeStorage<T> {
  private stack: T[] = [];
  getStore(): T | undefined {
    return this.stack[this.stack.length - 1];
  }
  run<R>(store: T, fn: () => R): R {
    this.stack.push(store);
    try {
      return fn();
    } finally {
      this.stack.pop();
    }
  }
}

type Overrides = ReadonlyMap<string, unknown>;
let scopes: ScopeStorage<Overrides> = new StackStorage<Overrides>();

/** Installs async-context storage (e.g. `new AsyncLocalStorage()`), making `withOptions` safe across awaits. */
export function setScopeStorage(storage: ScopeStorage<Overrides>): void {
  scopes = storage;
}

const byName = new Map(OPTION_DEFINITIONS.map((d) => [d.name, d]));
const stored = new Map<string, unknown>();

function env(): Record<string, string | undefined> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
}

/** Full name for a dotted or unambiguous leaf name. */
export function resolveOptionName(name: string): string {
  const key = name.replace(/-/g, '_');
  if (byName.has(key)) return key;
  const matches = OPTION_DEFINITIONS.filter((d) => d.name.split('.').pop() === key || d.name.endsWith(`.${key}`));
  if (matches.length === 1) return matches[0].name;
  if (matches.length > 1) throw new OptionError(`Option name '${name}' is ambiguous: ${matches.map((m) => m.name).join(', ')}`);
  throw new OptionError(`No such option: '${name}'`);
}

function definition(name: string): OptionDefinition {
  // Exact dotted names (every internal caller) skip the leaf-name resolution.
  return byName.get(name) ?? byName.get(resolveOptionName(name))!;
}

/** Each option's variables in lookup order: exact name, then without underscores. */
const envCandidates = new Map(OPTION_DEFINITIONS.map((d) => [d, d.env.flatMap((v) => [v, v.replace(/_/g, '')])]));

/**
 * The last validated value per option and the raw text it came from. Options are read per
 * statement (`debug.queries`) and the environment stays live (read on every access); only the
 * parsing is cached, so a changed variable (a different raw text) is validated afresh.
 */
const parsedEnv = new Map<OptionDefinition, { raw: string; variable: string; value: unknown }>();

/** The option's value from the first of its environment variables that is set, or undefined. */
function fromEnv(def: OptionDefinition): { value: unknown } | undefined {
  const vars = env();
  for (const candidate of envCandidates.get(def)!) {
    const raw = vars[candidate];
    if (raw === undefined || raw === '') continue;
    const last = parsedEnv.get(def);
    if (last !== undefined && last.raw === raw && last.variable === candidate) return last;
    const parsed = { raw, variable: candidate, value: validate(def.type, raw, `environment variable ${candidate}`) };
    // A map option is a fresh object per read, as before: a caller may change what it got.
    if (def.type.kind !== 'map') parsedEnv.set(def, parsed);
    return parsed;
  }
  return undefined;
}

export interface OptionDescription {
  name: string;
  type: string;
  default: unknown;
  value: unknown;
  /** Where the current value comes from. */
  source: 'scope' | 'env' | 'set' | 'default';
  env: readonly string[];
  validValues?: readonly string[];
  description: string;
}

function current(def: OptionDefinition): { value: unknown; source: OptionDescription['source'] } {
  const scoped = scopes.getStore();
  if (scoped?.has(def.name)) return { value: scoped.get(def.name), source: 'scope' };
  const fromVar = fromEnv(def);
  if (fromVar) return { value: fromVar.value, source: 'env' };
  if (stored.has(def.name)) return { value: stored.get(def.name), source: 'set' };
  return { value: def.default, source: 'default' };
}

/** `current(def).value` without the result object: `options.get` runs per statement. */
function currentValue(def: OptionDefinition): unknown {
  const scoped = scopes.getStore();
  if (scoped?.has(def.name)) return scoped.get(def.name);
  const fromVar = fromEnv(def);
  if (fromVar) return fromVar.value;
  return stored.has(def.name) ? stored.get(def.name) : def.default;
}

function setOne(name: string, value: unknown): void {
  const def = definition(name);
  stored.set(def.name, validate(def.type, value, `option ${def.name}`));
}

/**
 * Precedence, highest first: a `withOptions` scope, the option's environment variables (read on
 * every access), `options.set`, the default. Unlike the Python SDK, `set` never writes process.env.
 */
export const options = {
  get(name: string): unknown {
    return currentValue(definition(name));
  },
  set(nameOrValues: string | Record<string, unknown>, value?: unknown): void {
    if (typeof nameOrValues === 'string') setOne(nameOrValues, value);
    else for (const [k, v] of Object.entries(nameOrValues)) setOne(k, v);
  },
  reset(name?: string): void {
    if (name === undefined) stored.clear();
    else stored.delete(definition(name).name);
  },
  defaultOf(name: string): unknown {
    return definition(name).default;
  },
  describe(name?: string): OptionDescription[] {
    const defs = name === undefined ? OPTION_DEFINITIONS : [definition(name)];
    return defs.map((d) => {
      const { value, source } = current(d);
      return {
        name: d.name,
        type: d.type.kind,
        default: d.default,
        value,
        source,
        env: d.env,
        validValues: d.type.kind === 'string' ? d.type.oneOf : undefined,
        description: d.description,
      };
    });
  },
  names(): string[] {
    return OPTION_DEFINITIONS.map((d) => d.name);
  },
};

/** Runs `fn` with option overrides visible only to it (and, with async storage, to what it awaits). */
export function withOptions<R>(overrides: Record<string, unknown>, fn: () => R): R {
  const next = new Map(scopes.getStore() ?? []);
  for (const [k, v] of Object.entries(overrides)) {
    const def = definition(k);
    next.set(def.name, validate(def.type, v, `option ${def.name}`));
  }
  return scopes.run(next, fn);
}
