import { type AccessReport, accessReportDocument, type DocBlock, type Language } from '@lupaus/core';
import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from 'pdf-lib';

/** A4 in points, and the page's margins. */
const PAGE = { width: 595.28, height: 841.89, margin: 50 };
const SIZE = { title: 16, h2: 12.5, h3: 10.5, text: 9, meta: 9 };

/**
 * A text the standard fonts can draw: they encode WinAnsi (Latin-1 and a few more, which covers Finnish and
 * Swedish), so any other character becomes `?` rather than failing the whole document.
 */
function drawable(font: PDFFont, text: string, cache: Map<string, boolean>): string {
  let out = '';
  for (const ch of text.replace(/\s+/g, ' ')) {
    let ok = cache.get(ch);
    if (ok === undefined) {
      try {
        font.encodeText(ch);
        ok = true;
      } catch {
        ok = false;
      }
      cache.set(ch, ok);
    }
    out += ok ? ch : '?';
  }
  return out;
}

/** Splits a text into lines that fit `width`, breaking at spaces and, for a long word, inside it. */
function wrap(font: PDFFont, size: number, text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  const fits = (s: string) => font.widthOfTextAtSize(s, size) <= width;
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (fits(candidate)) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    line = '';
    let rest = word;
    while (!fits(rest)) {
      let n = rest.length - 1;
      while (n > 1 && !fits(rest.slice(0, n))) n--;
      lines.push(rest.slice(0, n));
      rest = rest.slice(n);
    }
    line = rest;
  }
  if (line !== '') lines.push(line);
  return lines.length > 0 ? lines : [''];
}

/**
 * Prints the access report (R4.2) as a text-based PDF on A4 pages: the same document as the HTML
 * (`accessReportDocument`), headings in bold, paragraphs and list items wrapped to the page, each table row as
 * a wrapped line of "heading: value" pairs, page numbers at the foot. Deterministic for the same report.
 *
 * @example
 * ```ts
 * const bytes = await renderAccessPdf(report, { lang: 'fi' });
 * writeFileSync('access.pdf', bytes);
 * ```
 */
export async function renderAccessPdf(
  report: AccessReport,
  opts: { lang?: Language } = {},
): Promise<Uint8Array> {
  const lang = opts.lang ?? report.languages[0] ?? 'fi';
  const doc = accessReportDocument(report, lang);
  const pdf = await PDFDocument.create();
  const when = new Date(report.generatedAt);
  pdf.setTitle(doc.title);
  pdf.setLanguage(lang);
  pdf.setCreator('Lupaus');
  pdf.setProducer('Lupaus');
  pdf.setCreationDate(when);
  pdf.setModificationDate(when);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const cache = new Map<string, boolean>();
  const width = PAGE.width - 2 * PAGE.margin;

  let page: PDFPage = pdf.addPage([PAGE.width, PAGE.height]);
  let y = PAGE.height - PAGE.margin;
  const newPage = () => {
    page = pdf.addPage([PAGE.width, PAGE.height]);
    y = PAGE.height - PAGE.margin;
  };
  const write = (text: string, o: { font?: PDFFont; size?: number; indent?: number; gap?: number } = {}) => {
    const font = o.font ?? regular;
    const size = o.size ?? SIZE.text;
    const indent = o.indent ?? 0;
    const leading = size * 1.3;
    y -= o.gap ?? 0;
    for (const line of wrap(font, size, drawable(font, text, cache), width - indent)) {
      if (y - leading < PAGE.margin) newPage();
      y -= leading;
      page.drawText(line, { x: PAGE.margin + indent, y, size, font, color: rgb(0.1, 0.1, 0.1) });
    }
  };
  const block = (b: DocBlock) => {
    switch (b.kind) {
      case 'p':
        write(b.text, { gap: 3 });
        break;
      case 'h3':
        if (y - 40 < PAGE.margin) newPage();
        write(b.text, { font: bold, size: SIZE.h3, gap: 6 });
        break;
      case 'list':
        for (const item of b.items) write(`• ${item}`, { indent: 8, gap: 1 });
        break;
      case 'table':
        for (const row of b.rows) {
          const pairs = row.map((cell, i) => `${b.head[i] ?? ''}: ${cell}`);
          write(`• ${pairs.join(' | ')}`, { indent: 8, gap: 2 });
        }
        break;
    }
  };

  write(doc.title, { font: bold, size: SIZE.title });
  for (const m of doc.meta) write(m, { size: SIZE.meta, gap: 2 });
  for (const s of doc.sections) {
    if (y - 60 < PAGE.margin) newPage();
    write(s.heading, { font: bold, size: SIZE.h2, gap: 12 });
    for (const b of s.blocks) block(b);
  }

  const pages = pdf.getPages();
  pages.forEach((p, i) => {
    const label = `${i + 1} / ${pages.length}`;
    p.drawText(label, {
      x: PAGE.width - PAGE.margin - regular.widthOfTextAtSize(label, 8),
      y: PAGE.margin / 2,
      size: 8,
      font: regular,
      color: rgb(0.4, 0.4, 0.4),
    });
  });
  return pdf.save({ useObjectStreams: false });
}
