import { ManagementError } from '../errors.js';

interface Named {
  readonly id?: string | null;
  readonly name?: string | null;
}

/** An array of resources that can also be looked up by name or id (`list.get('prod')`). */
export class NamedList<T extends Named> extends Array<T> {
  static fromItems<T extends Named>(items: Iterable<T>): NamedList<T> {
    const out = new NamedList<T>();
    for (const item of items) out.push(item);
    return out;
  }

  /** The first item whose name or id is `key`; throws a ManagementError (status 404) when none is. */
  get(key: string): T {
    const found = this.find((x) => x.name === key || x.id === key);
    if (!found) throw new ManagementError(`No item named or with id '${key}'`, { status: 404 });
    return found;
  }

  /** Like `get`, but undefined when nothing matches. */
  lookup(key: string): T | undefined {
    return this.find((x) => x.name === key || x.id === key);
  }

  has(key: string): boolean {
    return this.lookup(key) !== undefined;
  }

  names(): string[] {
    return this.map((x) => x.name).filter((n): n is string => n != null);
  }

  ids(): string[] {
    return this.map((x) => x.id).filter((n): n is string => n != null);
  }
}
