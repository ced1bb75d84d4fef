import type { Language } from '../definition/text';
import { escapeHtml } from '../notice/markdown';
import type { AccessReport } from './access-report';
import { accessReportDocument, type DocBlock, type ReportDocument } from './document';

const STYLE = `
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.45; color: #1a1a1a;
  background: #fff; max-width: 60rem; margin: 0 auto; padding: 2rem 1rem; }
h1 { font-size: 1.7rem; margin: 0 0 .4rem; }
.meta { color: #444; margin: 0 0 .2rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #bbb; padding-bottom: .2rem; }
h3 { font-size: 1.02rem; margin: 1.1rem 0 .3rem; }
ul { padding-left: 1.4rem; }
.table { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; margin: .3rem 0 .8rem; }
th, td { border: 1px solid #999; padding: .25rem .4rem; text-align: left; vertical-align: top;
  overflow-wrap: anywhere; }
th { background: #eee; }
@page { size: A4; margin: 16mm 14mm 18mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; }
  tr, li { break-inside: avoid; }
  thead { display: table-header-group; }
  .table { overflow: visible; }
}
`.trim();

function blockHtml(b: DocBlock): string {
  switch (b.kind) {
    case 'p':
      return `<p>${escapeHtml(b.text)}</p>`;
    case 'h3':
      return `<h3>${escapeHtml(b.text)}</h3>`;
    case 'list':
      return `<ul>\n${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('\n')}\n</ul>`;
    case 'table':
      return [
        '<div class="table"><table>',
        `<thead><tr>${b.head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
        '<tbody>',
        ...b.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`),
        '</tbody></table></div>',
      ].join('\n');
  }
}

/**
 * The document as a complete HTML5 page: escaped text only, no scripts, print CSS for A4.
 *
 * @example
 * ```ts
 * documentHtml(accessReportDocument(report, 'fi')).startsWith('<!DOCTYPE html>'); // true
 * ```
 */
export function documentHtml(doc: ReportDocument): string {
  return [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(doc.lang)}">`,
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(doc.title)}</title>`,
    `<style>\n${STYLE}\n</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(doc.title)}</h1>`,
    ...doc.meta.map((m) => `<p class="meta">${escapeHtml(m)}</p>`),
    ...doc.sections.map((s) =>
      [
        `<section id="${escapeHtml(s.id)}">`,
        `<h2>${escapeHtml(s.heading)}</h2>`,
        ...s.blocks.map(blockHtml),
        '</section>',
      ].join('\n'),
    ),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * Prints the access report (R4.2) as a complete, printable HTML document in one language (by default the
 * definition's first): the controller, the person's data with the source and time of each fact, contact roles,
 * records, files, consents, requests, restrictions, objections, disclosures with their actual recipients, then
 * purposes and legal bases, categories with their retention, sources, recipients and transfers, profiling, rights
 * and the supervisory authority. Every text is HTML-escaped; the page has no scripts.
 *
 * @example
 * ```ts
 * const html = renderAccessReport(report, { lang: 'en' });
 * writeFileSync('access.html', html);
 * ```
 */
export function renderAccessReport(report: AccessReport, opts: { lang?: Language } = {}): string {
  const lang = opts.lang ?? report.languages[0] ?? 'fi';
  return documentHtml(accessReportDocument(report, lang));
}
