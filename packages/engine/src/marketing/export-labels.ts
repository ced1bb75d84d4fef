import { LupausError } from '@lupaus/core';
import { PDFDocument, type PDFFont, StandardFonts } from 'pdf-lib';
import { channels, type PostalAddress } from '../consents/consent-policy';
import type { Actor, Register } from '../context';
import { authorize } from '../policy/authorize';
import {
  forEachMarketingPageIn,
  type MarketingContact,
  type MarketingSelectionInput,
} from './marketing-gate';

export interface LabelsInput extends Omit<MarketingSelectionInput, 'channel'> {
  /** A postal channel; the definition's first postal channel (post) when omitted. */
  channel?: string | undefined;
  format: 'pdf' | 'html';
}

export interface LabelsExport {
  selectionId: string;
  purpose: string;
  channel: string;
  count: number;
  /** Persons left out because a contact point is on a suppression list, by list (R3.2; see `MarketingSelection`). */
  suppressedBy: Record<string, number>;
  format: 'pdf' | 'html';
  mediaType: 'application/pdf' | 'text/html; charset=utf-8';
  /** The PDF bytes, or the HTML as UTF-8 bytes. */
  body: Buffer;
}

/** A4 in points, and the sheet: 3 × 8 labels of 70 × 37.1 mm, no margins (the common 24-up label sheet). */
const A4 = { width: 595.28, height: 841.89 };
export const LABEL_COLUMNS = 3;
export const LABEL_ROWS = 8;
const PER_SHEET = LABEL_COLUMNS * LABEL_ROWS;
const PAD_X = 17;
const PAD_Y = 16;
const SIZE = 10;
const LEADING = 12.5;

/**
 * The lines printed on one label: name, street or PO box, postal code and city, and a foreign country.
 *
 * @example
 * ```ts
 * labelLines(contact); // ['Maija Meikäläinen', 'Kotikatu 1', '00100 HELSINKI']
 * ```
 */
export function labelLines(c: MarketingContact): string[] {
  const a: PostalAddress = c.address ?? {};
  const name = [c.firstName, c.lastName].filter((x) => x && x.trim() !== '').join(' ');
  const lines = [name];
  if (a.street) lines.push(a.street);
  if (a.poBox) lines.push(/^\d/.test(a.poBox) ? `PL ${a.poBox}` : a.poBox);
  lines.push([a.postalCode, a.city?.toUpperCase()].filter(Boolean).join(' '));
  if (a.country && a.country !== 'FI') lines.push(a.country);
  return lines.filter((l) => l.trim() !== '');
}

function postalChannel(reg: Register, requested: string | undefined): string {
  const all = channels(reg);
  if (requested !== undefined) {
    const ch = all.find((c) => c.id === requested);
    if (ch && ch.kind !== 'address') {
      throw new LupausError('VALIDATION_FAILED', { channel: requested }, [
        { at: 'channel', message: `mailing labels need a postal channel; "${requested}" is not one` },
      ]);
    }
    return requested; // an undeclared one is named by the gate
  }
  const post = all.find((c) => c.kind === 'address');
  if (!post) {
    throw new LupausError('VALIDATION_FAILED', {}, [
      {
        at: 'channel',
        message: `the definition declares no postal marketing channel (declared: ${all.map((c) => c.id).join(', ') || 'none'}), so there is nothing to print labels for`,
      },
    ]);
  }
  return post.id;
}

/** Text the standard Helvetica (WinAnsi) can draw: ä ö å é … as they are; other letters without their marks, else '?'. */
function drawable(font: PDFFont, text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    if (fits(font, ch)) out += ch;
    else {
      const plain = ch.normalize('NFD').replace(/\p{M}/gu, '');
      out += plain !== '' && fits(font, plain) ? plain : '?';
    }
  }
  return out;
}

function fits(font: PDFFont, s: string): boolean {
  try {
    font.encodeText(s);
    return true;
  } catch {
    return false;
  }
}

function clip(font: PDFFont, text: string, size: number, max: number): string {
  if (font.widthOfTextAtSize(text, size) <= max) return text;
  let t = text;
  while (t.length > 1 && font.widthOfTextAtSize(`${t}…`, size) > max) t = t.slice(0, -1);
  return `${t.trimEnd()}…`;
}

async function renderPdf(reg: Register, contacts: MarketingContact[], title: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const now = reg.clock.now();
  doc.setTitle(title);
  doc.setProducer('Lupaus');
  doc.setCreator('Lupaus');
  doc.setCreationDate(now);
  doc.setModificationDate(now);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const w = A4.width / LABEL_COLUMNS;
  const h = A4.height / LABEL_ROWS;
  const pages = Math.max(1, Math.ceil(contacts.length / PER_SHEET));
  for (let p = 0; p < pages; p++) {
    const page = doc.addPage([A4.width, A4.height]);
    for (let i = 0; i < PER_SHEET; i++) {
      const c = contacts[p * PER_SHEET + i];
      if (!c) break;
      const col = i % LABEL_COLUMNS;
      const rowN = Math.floor(i / LABEL_COLUMNS);
      const x = col * w + PAD_X;
      let y = A4.height - rowN * h - PAD_Y - SIZE;
      for (const line of labelLines(c).slice(0, 6)) {
        page.drawText(clip(font, drawable(font, line), SIZE, w - 2 * PAD_X), { x, y, size: SIZE, font });
        y -= LEADING;
      }
    }
  }
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

function renderHtml(reg: Register, contacts: MarketingContact[], title: string): string {
  const lang = reg.definition.languages[0] ?? 'fi';
  const sheets: string[] = [];
  for (let p = 0; p * PER_SHEET < Math.max(contacts.length, 1); p++) {
    const labels = contacts
      .slice(p * PER_SHEET, (p + 1) * PER_SHEET)
      .map((c) => `<div class="label">${labelLines(c).map(escapeHtml).join('<br>')}</div>`);
    sheets.push(`<section class="sheet">${labels.join('')}</section>`);
  }
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
@page { size: A4; margin: 0; }
html, body { margin: 0; padding: 0; }
body { font-family: Helvetica, Arial, sans-serif; font-size: 10pt; }
.sheet { width: 210mm; height: 297mm; display: grid; grid-template-columns: repeat(${LABEL_COLUMNS}, 70mm);
  grid-template-rows: repeat(${LABEL_ROWS}, 37.125mm); overflow: hidden; break-after: page; page-break-after: always; }
.sheet:last-child { break-after: auto; page-break-after: auto; }
.label { box-sizing: border-box; padding: 5.5mm 6mm; line-height: 1.25; overflow: hidden; white-space: nowrap;
  text-overflow: ellipsis; }
</style>
</head>
<body>
${sheets.join('\n')}
</body>
</html>
`;
}

/**
 * Printable mailing labels (R3.3; seeds 001 and 004 publish customer data as printed lists): A4 sheets of
 * 3 × 8 labels with the name and postal address of everyone the marketing gate admits for the purpose on the
 * postal channel, as PDF (pdf-lib, standard Helvetica, which draws ä, ö and å) or as HTML to print from a
 * browser. Nobody who prohibited, withdrew, objected, is restricted or whose address is on a suppression list
 * is printed; every person printed is audited.
 *
 * @example
 * ```ts
 * const labels = await exportLabels(reg, actor, { purpose: 'mailing_labels', format: 'pdf' });
 * writeFileSync('labels.pdf', labels.body);
 * ```
 */
export async function exportLabels(reg: Register, actor: Actor, input: LabelsInput): Promise<LabelsExport> {
  authorize(reg, actor, 'marketing.select');
  const format = input.format ?? 'pdf';
  if (format !== 'pdf' && format !== 'html') {
    throw new LupausError('VALIDATION_FAILED', {}, [{ at: 'format', message: 'format is pdf or html' }]);
  }
  const channel = postalChannel(reg, input.channel);
  const selection = { ...input, channel };
  const contacts: MarketingContact[] = [];
  const r = await reg.db.transaction().execute((tx) =>
    forEachMarketingPageIn(tx, reg, actor, selection, 'labels', (page) => {
      contacts.push(...page);
    }),
  );
  const title = `${reg.definition.id}: ${input.purpose} (${r.count})`;
  const body =
    format === 'pdf'
      ? await renderPdf(reg, contacts, title)
      : Buffer.from(renderHtml(reg, contacts, title), 'utf8');
  return {
    selectionId: r.selectionId,
    purpose: input.purpose,
    channel,
    count: r.count,
    suppressedBy: r.suppressedBy,
    format,
    mediaType: format === 'pdf' ? 'application/pdf' : 'text/html; charset=utf-8',
    body,
  };
}
