/**
 * The small Markdown subset the notice and the record of processing are written in, converted to HTML without
 * a library: `#` headings, paragraphs separated by blank lines, `- ` list items, `**bold**` and `|` tables.
 * Every character of the source is HTML-escaped first, so no raw HTML from a register definition can ever
 * reach the output: a `<script>` in a text is shown as the text `<script>`.
 *
 * @example
 * ```ts
 * markdownToHtml('A **b** <i>\n\n- x'); // '<p>A <strong>b</strong> &lt;i&gt;</p>\n<ul>\n<li>x</li>\n</ul>'
 * ```
 */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Escapes a text so that it stays literal inside a Markdown table cell. */
export function escapeTableCell(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');
}

function inlineHtml(s: string): string {
  return escapeHtml(s)
    .replace(/\\\|/g, '|')
    .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>');
}

const LIST_ITEM = /^\s*[-*]\s+(.*)$/;
const HEADING = /^(#{1,6})\s+(.*)$/;
const TABLE_ROW = /^\|.*\|\s*$/;
const TABLE_RULE = /^\|(\s*:?-{3,}:?\s*\|)+\s*$/;

function splitCells(row: string): string[] {
  const inner = row.trim().slice(1, -1);
  const cells: string[] = [];
  let current = '';
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i];
    if (ch === '\\' && inner[i + 1] === '|') {
      current += '\\|';
      i++;
    } else if (ch === '|') {
      cells.push(current.trim());
      current = '';
    } else {
      current += ch;
    }
  }
  cells.push(current.trim());
  return cells;
}

export function markdownToHtml(md: string): string {
  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] ?? '';
    if (line.trim() === '') {
      i++;
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      const level = heading[1]?.length ?? 1;
      out.push(`<h${level}>${inlineHtml(heading[2] ?? '')}</h${level}>`);
      i++;
      continue;
    }
    if (TABLE_ROW.test(line) && TABLE_RULE.test(lines[i + 1] ?? '')) {
      const head = splitCells(line);
      i += 2;
      const body: string[][] = [];
      while (i < lines.length && TABLE_ROW.test(lines[i] ?? '')) {
        body.push(splitCells(lines[i] ?? ''));
        i++;
      }
      out.push('<div class="table"><table>');
      out.push(
        `<thead><tr>${head.map((c) => `<th scope="col">${inlineHtml(c)}</th>`).join('')}</tr></thead>`,
      );
      out.push('<tbody>');
      for (const row of body) out.push(`<tr>${row.map((c) => `<td>${inlineHtml(c)}</td>`).join('')}</tr>`);
      out.push('</tbody></table></div>');
      continue;
    }
    if (LIST_ITEM.test(line)) {
      out.push('<ul>');
      while (i < lines.length && LIST_ITEM.test(lines[i] ?? '')) {
        let item = LIST_ITEM.exec(lines[i] ?? '')?.[1] ?? '';
        i++;
        // Continuation lines (indented, not a new item) belong to the item.
        while (
          i < lines.length &&
          (lines[i] ?? '').trim() !== '' &&
          /^\s+/.test(lines[i] ?? '') &&
          !LIST_ITEM.test(lines[i] ?? '')
        ) {
          item += ` ${(lines[i] ?? '').trim()}`;
          i++;
        }
        out.push(`<li>${inlineHtml(item)}</li>`);
      }
      out.push('</ul>');
      continue;
    }
    const para: string[] = [];
    while (
      i < lines.length &&
      (lines[i] ?? '').trim() !== '' &&
      !HEADING.test(lines[i] ?? '') &&
      !LIST_ITEM.test(lines[i] ?? '')
    ) {
      para.push((lines[i] ?? '').trim());
      i++;
    }
    out.push(`<p>${inlineHtml(para.join(' '))}</p>`);
  }
  return out.join('\n');
}

/** The text of Markdown without its markup, whitespace collapsed to single spaces. */
export function markdownToText(md: string): string {
  return md
    .split(/\r?\n/)
    .filter((line) => !TABLE_RULE.test(line))
    .map((line) =>
      line
        .replace(HEADING, '$2')
        .replace(LIST_ITEM, '$1')
        .replace(/^\|(.*)\|\s*$/, (_m, inner: string) => splitCells(`|${inner}|`).join(' '))
        .replace(/\\\|/g, '|')
        .replace(/\*\*(.+?)\*\*/g, '$1'),
    )
    .join(' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The visible text of an HTML document made by `htmlDocument`: tags removed, entities decoded. */
export function htmlToText(html: string): string {
  const body = html.replace(/<head>[\s\S]*?<\/head>/i, ' ');
  return body
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

const STYLE = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5; color: #1a1a1a;
  background: #fff; max-width: 48rem; margin: 0 auto; padding: 2rem 1rem; }
h1 { font-size: 1.8rem; margin: 0 0 .5rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #ccc; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .3rem; }
ul { padding-left: 1.4rem; }
.table { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { border: 1px solid #999; padding: .3rem .4rem; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  h2, h3 { break-after: avoid; }
  table, li { break-inside: avoid; }
}
`.trim();

/** A complete, print-friendly HTML5 document with the Markdown as its body. No scripts. */
export function htmlDocument(opts: { lang: string; title: string; markdown: string }): string {
  return [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(opts.lang)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(opts.title)}</title>`,
    `<style>\n${STYLE}\n</style>`,
    '</head>',
    '<body>',
    '<main>',
    markdownToHtml(opts.markdown),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
