/**
 * Markdown help from a handler's documentation (fusion.md §7): title, description, syntax,
 * arguments, remarks, examples, see also.
 */

const SECTION = /^([A-Z][^\n]*?)[^\S\n]*\n[^\S\n]*-{4,}[^\S\n]*$/gm;

function dedent(text: string): string {
  const lines = text.split('\n');
  const indents = lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length);
  const margin = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => (l.trim() ? l.slice(margin) : '')).join('\n');
}

/** reST → Markdown: links, double back-quotes, `::` code blocks. */
function toMarkdown(text: string): string {
  const src = text
    .replace(/`([^`]+)\s+<([^>]+)>`_/g, '[$1]($2)')
    .replace(/``/g, '`')
    .split('\n');
  const out: string[] = [];
  while (src.length) {
    const line = src.shift()!;
    if (!line.endsWith('::')) {
      out.push(line);
      continue;
    }
    out.push(`${line.slice(0, -2)}.`);
    const code: string[] = [];
    while (src.length && (!src[0].trim() || src[0].startsWith(' '))) code.push(src.shift()!.trimEnd());
    out.push(
      `\`\`\`sql\n${code
        .join('\n')
        .trimEnd()
        .replace(/^\s*\n/, '')}\n\`\`\`\n`,
    );
  }
  return out.join('\n');
}

function formatArguments(text: string): string {
  return text
    .split('\n')
    .flatMap((line) => (line.startsWith('<') ? [`### ${line.replace(/</g, '&lt;').replace(/>/g, '&gt;')}`, ''] : [line.trim()]))
    .join('\n');
}

export function buildHelp(syntax: string, doc: string): string {
  const title = /^[A-Z0-9_ ]+/.exec(syntax.trim())?.[0] ?? syntax.trim();
  const text = dedent(doc.trimEnd());
  const sections = new Map<string, string>();
  const heads = [...text.matchAll(SECTION)];
  heads.forEach((m, i) => {
    const start = m.index! + m[0].length;
    const end = i + 1 < heads.length ? heads[i + 1].index! : text.length;
    sections.set(m[1].trim().toLowerCase(), toMarkdown(text.slice(start, end).trim()).trim());
  });
  const out = [`# ${title}\n\n`];
  const add = (key: string, heading: string, format: (s: string) => string = (s) => s) => {
    const body = sections.get(key);
    if (body !== undefined) out.push(`## ${heading}\n\n`, format(body), '\n\n');
  };
  if (sections.has('description')) out.push(sections.get('description')!, '\n\n');
  out.push(`## Syntax\n\n\`\`\`sql${syntax}\n\`\`\`\n\n`);
  add('arguments', 'Arguments', formatArguments);
  add('argument', 'Argument', formatArguments);
  add('remarks', 'Remarks');
  const examples = (s: string) => s.replace(/^(Example\s+\d+.*)$/gm, '### $1');
  if (sections.has('examples')) add('examples', 'Examples', examples);
  else add('example', 'Example', examples);
  add('see also', 'See Also');
  return `${out.join('').trimEnd()}\n`;
}
