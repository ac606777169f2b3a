// Prints vitest's JSON report totals as plain lines: every skipped check with its reason (from
// the `meta.s2Skip` that @s2/testing's skipUnless/skipNow record), then the closing line
// "tests: N passed, N failed, N skipped (reason × count; …)".
// With S2_REQUIRE_ALL_CHECKS=1 (CI), a skip of kind 'missing-tool' (the addon, Python, … that
// the machine was set up to have) fails the run; with S2_REQUIRE_SKIP_REASONS=1, so does a skip
// that records no reason. Usage: node summarize-vitest.mjs report.json
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const requireAll = process.env.S2_REQUIRE_ALL_CHECKS === '1';

const passed = report.numPassedTests ?? 0;
const failed = (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);

/** reason label → { kind, files: Map<file, count> } */
const groups = new Map();
for (const file of report.testResults ?? []) {
  const name = relative(process.cwd(), file.name ?? '');
  for (const t of file.assertionResults ?? []) {
    if (t.status !== 'skipped' && t.status !== 'pending' && t.status !== 'todo') continue;
    const rec = t.meta?.s2Skip;
    const kind = rec?.kind ?? (t.status === 'todo' ? 'todo' : 'no reason recorded');
    const label = rec ? `${rec.kind}: ${rec.reason}` : kind;
    const g = groups.get(label) ?? { kind, count: 0, files: new Map() };
    g.count++;
    g.files.set(name, (g.files.get(name) ?? 0) + 1);
    groups.set(label, g);
  }
}

const sorted = [...groups.entries()].sort((a, b) => b[1].count - a[1].count);
if (sorted.length > 0) {
  console.log('skipped checks:');
  for (const [label, g] of sorted) {
    const where = [...g.files.entries()].map(([f, n]) => `${f} (${n})`).join(', ');
    console.log(`  ${g.count} × ${label} — ${where}`);
  }
}

const short = (label) => (label.length > 70 ? `${label.slice(0, 69)}…` : label);
const reasons = sorted.map(([label, g]) => `${g.count} × ${short(label)}`).join('; ');
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped${reasons ? ` (${reasons})` : ''}`);

let status = 0;
if (passed === 0) {
  console.error('no test ran');
  status = 1;
}
const missing = sorted.filter(([, g]) => g.kind === 'missing-tool');
if (requireAll && missing.length > 0) {
  const n = missing.reduce((s, [, g]) => s + g.count, 0);
  console.error(`S2_REQUIRE_ALL_CHECKS=1: ${n} check(s) skipped for a missing tool this machine should have`);
  status = 1;
}
// Once every gate records its reason, CI can also refuse skips that give none.
const unexplained = groups.get('no reason recorded')?.count ?? 0;
if (process.env.S2_REQUIRE_SKIP_REASONS === '1' && unexplained > 0) {
  console.error(`S2_REQUIRE_SKIP_REASONS=1: ${unexplained} skipped check(s) record no reason (use skipUnless/skipNow from @s2/testing/vitest)`);
  status = 1;
}
process.exit(status);
