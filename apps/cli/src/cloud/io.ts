import type { TransferProgress } from '@s2/management';

export interface CliIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
}

/** A usage mistake: exit code 2 with the message and the usage text. */
export class UsageError extends Error {}

/**
 * `--help` / `-h` anywhere in a command's arguments: thrown by the argument parser, so that no
 * command goes on to run (a `drop NAME --help` must not drop); exit code 0 with the usage text.
 */
export class HelpRequested extends Error {}

function cell(v: unknown): string {
  if (v == null) return '';
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.join(',');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Rows as JSON (`--json`) or an aligned table. */
export function printRows(io: CliIo, rows: Record<string, unknown>[], columns: string[], json: boolean): void {
  if (json) {
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const text = rows.map((r) => columns.map((c) => cell(r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((t) => t[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((s, i) => s.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  io.stdout.write(`${line(columns)}\n`);
  for (const t of text) io.stdout.write(`${line(t)}\n`);
}

export function printObject(io: CliIo, obj: Record<string, unknown>, json: boolean): void {
  if (json) io.stdout.write(`${JSON.stringify(obj, null, 2)}\n`);
  else for (const [k, v] of Object.entries(obj)) if (v != null && v !== '') io.stdout.write(`${k}: ${cell(v)}\n`);
}

const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

/** A progress reporter: a redrawn bar on a terminal, a plain line per 10 % (or per 8 MiB when the total is unknown) otherwise. */
export function progressReporter(io: CliIo, label: string): { onProgress: (p: TransferProgress) => void; done: () => void } {
  let lastStep = -1;
  let drawn = false;
  return {
    onProgress(p) {
      const pct = p.total ? Math.min(100, Math.floor((p.bytes / p.total) * 100)) : null;
      if (io.isTTY) {
        const width = 30;
        const fill = pct == null ? 0 : Math.round((pct / 100) * width);
        const bar = pct == null ? '' : `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${String(pct).padStart(3)}% `;
        io.stderr.write(`\r${label} ${bar}${mib(p.bytes)}${p.total ? ` / ${mib(p.total)}` : ''}`);
        drawn = true;
        return;
      }
      const step = pct != null ? Math.floor(pct / 10) : Math.floor(p.bytes / (8 * 2 ** 20));
      if (step > lastStep) {
        lastStep = step;
        io.stderr.write(`${label} ${pct != null ? `${pct}% ` : ''}${p.bytes} bytes${p.total ? ` of ${p.total}` : ''}\n`);
      }
    },
    done() {
      if (drawn) io.stderr.write('\n');
    },
  };
}
