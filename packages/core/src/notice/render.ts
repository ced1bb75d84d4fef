import { type Definition, type RetentionRule, RIGHTS } from '../definition/schema';
import { type Language, type Text, t } from '../definition/text';
import { countryName, formatAddress, formatDate, formatDuration, joinList, oneLine } from './format';
import {
  BASIS_SENTENCES,
  NOTICE_LABELS as L,
  RELATIONSHIP_END,
  RETENTION_PHRASES,
  REVIEW_PHRASE,
  RIGHT_NAMES,
  SAFEGUARD_NAMES,
} from './labels';
import { htmlDocument } from './markdown';

export interface NoticeOptions {
  lang: Language;
  format: 'md' | 'html';
  /** The version of the notice being rendered (R1.2); shown under the title. */
  version?: { number: number; publishedAt?: string };
}

/**
 * Renders the privacy notice (tietosuojaseloste) of a register from its definition (R1.2): numbered sections
 * in the order of the Finnish notice template, each omitted only when the definition has nothing for it.
 * Texts of the definition are passed through as Markdown; in HTML they are converted with every character
 * escaped.
 *
 * @example
 * ```ts
 * const md = renderNotice(definition, { lang: 'fi', format: 'md', version: { number: 2 } });
 * const html = renderNotice(definition, { lang: 'en', format: 'html' });
 * ```
 */
export function renderNotice(def: Definition, opts: NoticeOptions): string {
  const lang = opts.lang;
  const title = noticeTitle(def, lang);
  const md = noticeMarkdown(def, opts, title);
  if (opts.format === 'html') return htmlDocument({ lang, title, markdown: md });
  return md;
}

export function noticeTitle(def: Definition, lang: Language): string {
  return def.notice.title ? t(def.notice.title, lang) : `${L.title[lang]}: ${t(def.register.name, lang)}`;
}

/** A section under construction: a heading and Markdown blocks. */
class Section {
  readonly blocks: string[] = [];
  constructor(readonly heading: string) {}
  /** Adds a block of Markdown (a paragraph, several paragraphs, or a list item). Empty blocks are skipped. */
  add(block: string | undefined): this {
    if (block && block.trim() !== '') this.blocks.push(block.trim());
    return this;
  }
  text(text: Text | undefined, lang: Language): this {
    return this.add(t(text, lang));
  }
  sub(heading: string): this {
    return this.add(`### ${heading}`);
  }
  get empty(): boolean {
    return this.blocks.length === 0;
  }
  toMarkdown(number: number): string {
    return [`## ${number}. ${this.heading}`, joinBlocks(this.blocks)].join('\n\n');
  }
}

function isListLine(block: string): boolean {
  return block.startsWith('- ') && !block.includes('\n');
}

/** Joins Markdown blocks, keeping consecutive one-line list items in one list. */
export function joinBlocks(blocks: string[]): string {
  let out = '';
  blocks.forEach((block, i) => {
    if (i === 0) out = block;
    else out += isListLine(block) && isListLine(blocks[i - 1] ?? '') ? `\n${block}` : `\n\n${block}`;
  });
  return out;
}

/**
 * A named item with an optional description: one list line when the description is a single paragraph,
 * otherwise a bold name followed by the description's own paragraphs and lists.
 */
export function item(name: string, description?: string): string {
  if (!description || description.trim() === '') return `- ${oneLine(name)}`;
  const multi = /\n\s*\n/.test(description.trim()) || /^\s*[-*]\s/m.test(description);
  if (!multi) return `- **${oneLine(name)}**: ${oneLine(description)}`;
  return `**${oneLine(name)}**\n\n${description.trim()}`;
}

function detail(label: string, value: string | undefined): string | undefined {
  return value ? `- ${label}: ${value}` : undefined;
}

interface ContactLike {
  name?: string | undefined;
  title?: Text | undefined;
  email?: string | undefined;
  phone?: string | undefined;
  address?: Parameters<typeof formatAddress>[0] | undefined;
  website?: string | undefined;
}

function contactDetails(c: ContactLike, lang: Language): string[] {
  const lines: (string | undefined)[] = [
    c.title ? `- ${t(c.title, lang)}` : undefined,
    detail(L.address[lang], c.address ? formatAddress(c.address, lang) : undefined),
    detail(L.phone[lang], c.phone),
    detail(L.email[lang], c.email),
    detail(L.website[lang], c.website),
  ];
  return lines.filter((l): l is string => l !== undefined);
}

/** The retention rule's period in words, e.g. "10 vuotta asiakassuhteen päättymisestä". */
export function describeRetention(rule: RetentionRule, lang: Language): string {
  const period = rule.period ? formatDuration(rule.period, lang) : '';
  let phrase = RETENTION_PHRASES[rule.kind][lang].replace('{period}', period).trim();
  if (rule.reviewEvery) {
    phrase += ` (${REVIEW_PHRASE[lang].replace('{period}', formatDuration(rule.reviewEvery, lang))})`;
  }
  return phrase;
}

/** The legal basis of a purpose as a sentence, with the legitimate interest named. */
export function describeBasis(purpose: Definition['purposes'][number], lang: Language): string[] {
  const lines: string[] = [];
  lines.push(
    `${L.legalBasis[lang]}: ${purpose.basis ? BASIS_SENTENCES[purpose.basis][lang] : L.basisMissing[lang]}`,
  );
  if (purpose.legitimateInterest) {
    lines.push(`${L.legitimateInterest[lang]}: ${oneLine(t(purpose.legitimateInterest, lang))}`);
  }
  return lines;
}

function noticeMarkdown(def: Definition, opts: NoticeOptions, title: string): string {
  const lang = opts.lang;
  const head: string[] = [`# ${title}`, `${L.subtitle[lang]}`];
  const meta = [`${L.date[lang]} ${formatDate(def.notice.date, lang)}`];
  if (opts.version) {
    meta.push(
      `${L.version[lang]} ${opts.version.number}${
        opts.version.publishedAt
          ? ` (${L.published[lang]} ${formatDate(opts.version.publishedAt, lang)})`
          : ''
      }`,
    );
  }
  head.push(meta.join(' · '));
  if (def.notice.introduction) head.push(t(def.notice.introduction, lang).trim());

  const sections: Section[] = [];
  const section = (heading: string) => {
    const s = new Section(heading);
    sections.push(s);
    return s;
  };

  // 1. Controller
  const c = def.controller;
  const controller = section(L.controller[lang]);
  controller.add(`**${c.name}**`);
  for (const line of [
    detail(L.tradeName[lang], c.tradeName),
    detail(L.businessId[lang], c.businessId),
    ...contactDetails(c, lang),
  ]) {
    controller.add(line);
  }

  // 2. Contact person and DPO
  const contact = section(L.contactAndDpo[lang]);
  if (def.contact) {
    contact.sub(L.contact[lang]);
    if (def.contact.name) contact.add(`**${def.contact.name}**`);
    for (const line of contactDetails(def.contact, lang)) contact.add(line);
  }
  if (def.dpo) {
    contact.sub(L.dpo[lang]);
    if (def.dpo.appointed === false) contact.add(L.noDpo[lang]);
    else {
      if (def.dpo.name) contact.add(`**${def.dpo.name}**`);
      for (const line of contactDetails(def.dpo, lang)) contact.add(line);
    }
  }

  // 3. Register
  section(L.register[lang]).text(def.register.name, lang).text(def.register.description, lang);

  // 4. Data subject groups
  const subjects = section(L.subjects[lang]);
  for (const g of def.subjects) subjects.add(item(t(g.name, lang), t(g.description, lang)));

  // 5. Purposes and legal bases, provision requirement
  const purposes = section(L.purposes[lang]);
  for (const p of def.purposes) {
    purposes.sub(t(p.name, lang));
    purposes.text(p.description, lang);
    purposes.add(describeBasis(p, lang).join('\n\n'));
  }
  if (def.provisionRequirement) {
    purposes.sub(L.provision[lang]);
    purposes.text(def.provisionRequirement.text, lang);
  }

  // 6. Data content
  const content = section(L.content[lang]);
  if (def.categories.length > 0) {
    content.add(L.contentLead[lang]);
    for (const cat of def.categories) {
      const name = t(cat.name, lang);
      const fields = cat.fields.map((f) => t(f.label, lang));
      const fieldList = fields.length === 1 && fields[0] === name ? '' : fields.join(', ');
      const description = [t(cat.description, lang), fieldList].filter((s) => s.trim() !== '');
      content.add(
        description.length === 0
          ? `- ${oneLine(name)}`
          : `- **${oneLine(name)}**: ${description.map(oneLine).join(' – ')}`,
      );
    }
  }

  // 7. Sources
  const sources = section(L.sources[lang]);
  for (const s of def.sources) sources.add(item(t(s.name, lang), t(s.description, lang)));

  // 8. Recipients, disclosures, processors
  const recipients = section(L.recipients[lang]);
  const others = def.recipients.filter((r) => r.kind !== 'processor');
  const processors = def.recipients.filter((r) => r.kind === 'processor');
  if (others.length > 0) {
    recipients.sub(L.recipientList[lang]);
    for (const r of others) recipients.add(item(t(r.name, lang), t(r.description, lang)));
  }
  if (def.disclosures.length > 0) {
    recipients.sub(L.disclosures[lang]);
    const byId = new Map(def.recipients.map((r) => [r.id, r]));
    for (const d of def.disclosures) {
      const recipient = byId.get(d.recipient);
      const parts = [t(d.description, lang)];
      if (recipient && t(recipient.name, lang) !== t(d.name, lang))
        parts.push(`(${t(recipient.name, lang)})`);
      if (d.basis) parts.push(BASIS_SENTENCES[d.basis][lang]);
      recipients.add(item(t(d.name, lang), parts.filter((p) => p.trim() !== '').join(' ')));
    }
  }
  if (processors.length > 0) {
    recipients.sub(L.processors[lang]);
    for (const r of processors) {
      const parts = [
        t(r.description, lang),
        r.service ? `${L.service[lang]}: ${oneLine(t(r.service, lang))}.` : '',
        r.countries.length > 0
          ? `${L.countries[lang]}: ${joinList(
              r.countries.map((code) => countryName(code, lang)),
              lang,
            )}.`
          : '',
      ].filter((p) => p.trim() !== '');
      recipients.add(item(t(r.name, lang), parts.map(oneLine).join(' ')));
    }
  }

  // 9. Transfers
  const transfers = section(L.transfers[lang]);
  if (def.transfers) {
    transfers.text(def.transfers.statement, lang);
    const byId = new Map(def.recipients.map((r) => [r.id, r]));
    for (const tr of def.transfers.items) {
      const lines: string[] = [];
      lines.push(
        `- ${L.transferCountries[lang]}: ${joinList(
          tr.countries.map((code) => countryName(code, lang)),
          lang,
        )}`,
      );
      const names = tr.recipients.flatMap((id) => {
        const r = byId.get(id);
        return r ? [t(r.name, lang)] : [];
      });
      if (names.length > 0) lines.push(`- ${L.recipientList[lang]}: ${joinList(names, lang)}`);
      lines.push(
        `- ${L.safeguard[lang]}: ${tr.safeguard ? SAFEGUARD_NAMES[tr.safeguard][lang] : L.safeguardMissing[lang]}${
          tr.safeguardText ? `. ${oneLine(t(tr.safeguardText, lang))}` : ''
        }`,
      );
      if (tr.copyAvailable) lines.push(`- ${L.copy[lang]}: ${oneLine(t(tr.copyAvailable, lang))}`);
      transfers.add(t(tr.description, lang));
      transfers.add(lines.join('\n'));
    }
  }

  // 10. Retention
  const retention = section(L.retention[lang]);
  if (def.retention) {
    retention.text(def.retention.statement, lang);
    for (const rule of def.retention.rules) {
      const applies = def.categories
        .filter((cat) => cat.retention === rule.id)
        .map((cat) => t(cat.name, lang));
      const parts = [
        `${L.retentionPeriod[lang]}: ${describeRetention(rule, lang)}.`,
        applies.length > 0 ? `${L.appliesTo[lang]}: ${joinList(applies.map(oneLine), lang)}.` : '',
        rule.legalReason ? `${L.legalReason[lang]}: ${oneLine(t(rule.legalReason, lang))}` : '',
      ].filter((p) => p !== '');
      retention.add(`- **${oneLine(t(rule.description, lang))}** – ${parts.join(' ')}`);
    }
    const end = def.retention.relationshipEnd;
    if (end) {
      retention.sub(L.relationshipEnd[lang]);
      retention.add(
        RELATIONSHIP_END[end.kind][lang].replace(
          '{period}',
          end.inactivityPeriod ? formatDuration(end.inactivityPeriod, lang) : '',
        ),
      );
      retention.text(end.description, lang);
    }
  }

  // 11. Security
  const security = section(L.security[lang]);
  if (def.security?.manual) security.sub(L.securityManual[lang]).text(def.security.manual, lang);
  if (def.security?.it) security.sub(L.securityIt[lang]).text(def.security.it, lang);

  // 12. Cookies
  section(L.cookies[lang]).text(def.cookies?.text, lang);

  // 13. Profiling and automated decisions
  const profiling = section(L.profiling[lang]);
  if (def.profiling) {
    profiling.text(def.profiling.text, lang);
    profiling.add(
      def.profiling.automatedDecisions ? L.automatedDecisions[lang] : L.noAutomatedDecisions[lang],
    );
    if (def.profiling.logic) profiling.sub(L.logic[lang]).text(def.profiling.logic, lang);
  }

  // 14. Rights
  const rights = section(L.rights[lang]);
  for (const right of RIGHTS) {
    const r = def.rights[right];
    if (!r) continue;
    rights.sub(RIGHT_NAMES[right][lang]);
    rights.text(r.text, lang);
  }
  if (def.rightsContact) rights.sub(L.rightsContact[lang]).text(def.rightsContact, lang);

  // 15. Authority
  const authority = section(L.authority[lang]);
  if (def.authority) {
    const a = def.authority;
    authority.add(L.authorityLead[lang]);
    authority.add(`**${oneLine(t(a.name, lang))}**`);
    for (const line of [
      detail(L.visitingAddress[lang], a.address ? formatAddress(a.address, lang) : undefined),
      detail(L.postalAddress[lang], a.postal ? formatAddress(a.postal, lang) : undefined),
      detail(L.phone[lang], a.phone),
      detail(L.email[lang], a.email),
      detail(L.website[lang], a.website),
    ]) {
      authority.add(line);
    }
  }

  // Changes
  section(L.changes[lang]).text(def.notice.changes, lang);

  const body = sections.filter((s) => !s.empty).map((s, i) => s.toMarkdown(i + 1));
  return `${[...head, ...body].join('\n\n')}\n`;
}
