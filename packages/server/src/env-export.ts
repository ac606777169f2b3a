/**
 * Points argument-less `connect()` calls at a started server by setting `SINGLESTOREDB_URL`
 * and `DATABASE_URL`, and puts the previous values back on `restore()`. Opt-in only: a
 * library that rewrites a process's environment behind its back surprises people.
 */
export class EnvExport {
  private saved: Array<[string, string | undefined]> | null = null;

  apply(url: string): void {
    if (this.saved) return;
    this.saved = ['DATABASE_URL', 'SINGLESTOREDB_URL'].map((k) => [k, process.env[k]]);
    process.env.DATABASE_URL = url;
    process.env.SINGLESTOREDB_URL = url;
  }

  restore(): void {
    if (!this.saved) return;
    for (const [k, v] of this.saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    this.saved = null;
  }
}
