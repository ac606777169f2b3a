// Fails when the source has an import cycle: between modules of one package (relative imports,
// `import type` included: a type-level loop is still two modules that cannot be understood
// apart) and between packages (@s2/* imports in src/). Run: node tooling/check-cycles.mjs
// [--allow <file>] where the file lists known cycles (one per line, modules joined by ' -> '),
// so a cycle that is being removed elsewhere can be tolerated by name while any new one fails.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = fileURLToPath(new URL('..', import.meta.url));
const ts = createRequire(join(root, 'package.json'))('typescript');

const allowArg = process.argv.indexOf('--allow');
const allowed = new Set(
  allowArg > 0 && existsSync(process.argv[allowArg + 1])
    ? readFileSync(process.argv[allowArg + 1], 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
    : [],
);

function sourceFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** Module specifiers of every import, export-from and import() in a file. */
function specifiers(file) {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      out.push(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

function resolveRelative(from, spec) {
  const base = resolve(dirname(from), spec);
  const candidates = [base, base.replace(/\.js$/, '.ts'), base.replace(/\.mjs$/, '.mts'), `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile()) ?? null;
}

/** Strongly connected components with more than one node (or a self-loop), as node lists. */
function cycles(graph) {
  let index = 0;
  const stack = [];
  const info = new Map();
  const found = [];
  const strong = (v) => {
    info.set(v, { index, low: index, on: true });
    index++;
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!info.has(w)) {
        strong(w);
        info.get(v).low = Math.min(info.get(v).low, info.get(w).low);
      } else if (info.get(w).on) {
        info.get(v).low = Math.min(info.get(v).low, info.get(w).index);
      }
    }
    if (info.get(v).low === info.get(v).index) {
      const comp = [];
      let w;
      do {
        w = stack.pop();
        info.get(w).on = false;
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? new Set()).has(v)) found.push(comp.sort());
    }
  };
  for (const v of graph.keys()) if (!info.has(v)) strong(v);
  return found;
}

const packageDirs = ['packages', 'apps']
  .flatMap((group) => (existsSync(join(root, group)) ? readdirSync(join(root, group)).map((n) => join(root, group, n)) : []))
  .filter((d) => existsSync(join(d, 'src')) && existsSync(join(d, 'package.json')));

const moduleGraph = new Map();
const packageGraph = new Map();
for (const dir of packageDirs) {
  const name = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name;
  const deps = packageGraph.get(name) ?? new Set();
  packageGraph.set(name, deps);
  for (const file of sourceFiles(join(dir, 'src'))) {
    const edges = new Set();
    for (const spec of specifiers(file)) {
      if (spec.startsWith('.')) {
        const target = resolveRelative(file, spec);
        if (target) edges.add(relative(root, target));
      } else {
        const m = /^(@s2\/[^/]+)/.exec(spec);
        if (m && m[1] !== name) deps.add(m[1]);
      }
    }
    moduleGraph.set(relative(root, file), edges);
  }
}

const all = [...cycles(moduleGraph), ...cycles(packageGraph)].map((c) => c.join(' -> '));
const fresh = all.filter((c) => !allowed.has(c));
const tolerated = all.filter((c) => allowed.has(c));
for (const c of tolerated) console.log(`[cycles] known, tolerated: ${c}`);
for (const c of fresh) console.log(`[cycles] import cycle: ${c}`);
console.log(`[cycles] ${moduleGraph.size} modules in ${packageDirs.length} packages: ${fresh.length} new cycle(s), ${tolerated.length} tolerated`);
process.exit(fresh.length === 0 ? 0 : 1);
