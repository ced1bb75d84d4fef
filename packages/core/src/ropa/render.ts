import { buildCatalogue } from '../catalogue/catalogue';
import { isEuEea } from '../definition/check';
import { rolesOf } from '../definition/roles';
import { type Definition, RIGHTS } from '../definition/schema';
import { type Language, t } from '../definition/text';
import { countryName, formatAddress, formatDate, joinList, oneLine } from '../notice/format';
import {
  BASIS_NAMES,
  NOTICE_LABELS as N,
  RECIPIENT_KIND_NAMES,
  RIGHT_NAMES,
  SAFEGUARD_NAMES,
} from '../notice/labels';
import { escapeTableCell, htmlDocument } from '../notice/markdown';
import { describeRetention, joinBlocks } from '../notice/render';
import { ROPA_LABELS as L } from './labels';

export interface RopaOptions {
  lang: Language;
  format: 'md' | 'html';
}

/**
 * Renders the record of processing activities (GDPR art. 30(1), R1.6) from the register definition: items
 * (a)–(g) of the article, then the data catalogue as a table (one row per field with its category, purposes,
 * legal bases, sources, retention, erasure strategy, the roles that may read it and whether the data subject
 * provided it).
 *
 * @example
 * ```ts
 * const md = renderRopa(definition, { lang: 'fi', format: 'md' });
 * ```
 */
export function renderRopa(def: Definition, opts: RopaOptions): string {
  const lang = opts.lang;
  const title = `${L.title[lang]}: ${t(def.register.name, lang)} (${def.controller.name})`;
  const md = ropaMarkdown(def, lang, title);
  if (opts.format === 'html') return htmlDocument({ lang, title, markdown: md });
  return md;
}

function cell(s: string): string {
  return escapeTableCell(oneLine(s)) || '–';
}

function ropaMarkdown(def: Definition, lang: Language, title: string): string {
  const out: string[] = [
    `# ${title}`,
    L.subtitle[lang],
    `${L.date[lang]} ${formatDate(def.notice.date, lang)}`,
  ];
  const section = (heading: string, blocks: (string | undefined | false)[]) => {
    const present = blocks.filter((b): b is string => typeof b === 'string' && b.trim() !== '');
    out.push(`## ${heading}`, present.length > 0 ? joinBlocks(present) : L.none[lang]);
  };
  const contactLines = (c: {
    name?: string | undefined;
    email?: string | undefined;
    phone?: string | undefined;
    address?: Parameters<typeof formatAddress>[0] | undefined;
    website?: string | undefined;
  }) =>
    [
      c.address ? `- ${N.address[lang]}: ${formatAddress(c.address, lang)}` : undefined,
      c.phone ? `- ${N.phone[lang]}: ${c.phone}` : undefined,
      c.email ? `- ${N.email[lang]}: ${c.email}` : undefined,
      c.website ? `- ${N.website[lang]}: ${c.website}` : undefined,
    ].filter((l): l is string => l !== undefined);

  // (a)
  const c = def.controller;
  section(L.a[lang], [
    `### ${N.controller[lang]}`,
    `**${c.name}**`,
    c.businessId ? `- ${N.businessId[lang]}: ${c.businessId}` : undefined,
    ...contactLines(c),
    def.contact && `### ${N.contact[lang]}`,
    def.contact?.name && `**${def.contact.name}**`,
    ...(def.contact ? contactLines(def.contact) : []),
    def.dpo && `### ${N.dpo[lang]}`,
    def.dpo && def.dpo.appointed === false ? N.noDpo[lang] : undefined,
    def.dpo?.appointed !== false && def.dpo?.name ? `**${def.dpo.name}**` : undefined,
    ...(def.dpo && def.dpo.appointed !== false ? contactLines(def.dpo) : []),
  ]);

  // (b)
  section(
    L.b[lang],
    def.purposes.map((p) => {
      const basis = p.basis ? BASIS_NAMES[p.basis][lang] : L.missing[lang];
      const interest = p.legitimateInterest
        ? `; ${N.legitimateInterest[lang]}: ${oneLine(t(p.legitimateInterest, lang))}`
        : '';
      return `- **${oneLine(t(p.name, lang))}**: ${N.legalBasis[lang]}: ${basis}${interest}`;
    }),
  );

  // (c)
  section(L.c[lang], [
    `### ${L.subjects[lang]}`,
    ...(def.subjects.length > 0
      ? def.subjects.map((g) => `- ${oneLine(t(g.name, lang))}`)
      : [`- ${L.missing[lang]}`]),
    `### ${L.dataCategories[lang]}`,
    ...def.categories.map(
      (cat) =>
        `- **${oneLine(t(cat.name, lang))}**: ${cat.fields.map((f) => oneLine(t(f.label, lang))).join(', ')}`,
    ),
  ]);

  // (d)
  section(
    L.d[lang],
    def.recipients.map((r) => {
      const countries = r.countries.map((code) =>
        isEuEea(code) ? countryName(code, lang) : `${countryName(code, lang)} (${L.outsideEea[lang]})`,
      );
      const parts = [
        `${L.kind[lang]}: ${RECIPIENT_KIND_NAMES[r.kind][lang]}`,
        r.service ? `${N.service[lang]}: ${oneLine(t(r.service, lang))}` : '',
        countries.length > 0 ? `${N.countries[lang]}: ${joinList(countries, lang)}` : '',
      ].filter((p) => p !== '');
      return `- **${oneLine(t(r.name, lang))}**: ${parts.join('; ')}`;
    }),
  );

  // (e)
  const transfers = def.transfers;
  section(L.e[lang], [
    transfers ? `${L.statement[lang]}: ${oneLine(t(transfers.statement, lang))}` : undefined,
    ...(transfers?.items ?? []).map((tr) => {
      const countries = joinList(
        tr.countries.map((code) => countryName(code, lang)),
        lang,
      );
      const safeguard = tr.safeguard ? SAFEGUARD_NAMES[tr.safeguard][lang] : N.safeguardMissing[lang];
      // R6.6: the recipients (processors) behind the transfer, the safeguard in full and how to get a copy.
      const recipients = tr.recipients.flatMap((id) => {
        const r = def.recipients.find((x) => x.id === id);
        return r ? [oneLine(t(r.name, lang))] : [];
      });
      const parts = [
        oneLine(t(tr.description, lang)),
        recipients.length > 0 ? `${N.recipientList[lang]}: ${joinList(recipients, lang)}.` : '',
        `${N.safeguard[lang]}: ${safeguard}.`,
        tr.safeguardText ? oneLine(t(tr.safeguardText, lang)) : '',
        tr.copyAvailable ? `${N.copy[lang]}: ${oneLine(t(tr.copyAvailable, lang))}` : '',
      ].filter((x) => x !== '');
      return `- **${countries}**: ${parts.join(' ')}`;
    }),
  ]);

  // (f)
  section(
    L.f[lang],
    (def.retention?.rules ?? []).map((rule) => {
      const applies = def.categories
        .filter((cat) => cat.retention === rule.id)
        .map((cat) => t(cat.name, lang));
      return `- **${oneLine(t(rule.description, lang))}**: ${describeRetention(rule, lang)}${
        applies.length > 0 ? ` (${N.appliesTo[lang]}: ${joinList(applies.map(oneLine), lang)})` : ''
      }${rule.legalReason ? `; ${N.legalReason[lang]}: ${oneLine(t(rule.legalReason, lang))}` : ''}`;
    }),
  );

  // (g)
  const security = def.security;
  section(L.g[lang], [
    security?.manual && `### ${N.securityManual[lang]}`,
    security?.manual && t(security.manual, lang),
    security?.it && `### ${N.securityIt[lang]}`,
    security?.it && t(security.it, lang),
    security?.commitment && `### ${L.commitment[lang].replace('{version}', security.commitment.version)}`,
    security?.commitment && t(security.commitment.text, lang),
  ]);

  // Data catalogue
  const catalogue = buildCatalogue(def);
  const roleNames = new Map(rolesOf(def).map((r) => [r.id, t(r.name, lang)]));
  const col = L.col;
  const header = [
    col.field,
    col.category,
    col.purposes,
    col.basis,
    col.sources,
    col.retention,
    col.erasure,
    col.roles,
    col.provided,
  ].map((h) => h[lang]);
  const rows = catalogue.fields.map((f) => {
    const erasure = `${L.erasure[f.erasure.strategy][lang]}${
      f.erasure.reason ? `: ${oneLine(t(f.erasure.reason, lang))}` : ''
    }`;
    return [
      `${t(f.label, lang)} (${f.key})`,
      t(f.category.name, lang),
      f.purposes.map((p) => t(p.name, lang)).join('; '),
      f.legalBases.map((b) => BASIS_NAMES[b][lang]).join('; '),
      f.sources.map((s) => t(s.name, lang)).join('; '),
      f.retention ? describeRetention(f.retention, lang) : L.missing[lang],
      erasure,
      f.readRoles.map((r) => roleNames.get(r) ?? r).join(', '),
      f.providedBySubject ? L.yes[lang] : L.no[lang],
    ].map(cell);
  });
  out.push(
    `## ${L.catalogue[lang]}`,
    [
      `| ${header.map(cell).join(' | ')} |`,
      `|${header.map(() => ' --- ').join('|')}|`,
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n'),
  );

  // Rights the notice informs of, for completeness of the record.
  const rights = RIGHTS.filter((r) => def.rights[r] !== undefined);
  if (rights.length > 0) {
    out.push(`## ${N.rights[lang]}`, rights.map((r) => `- ${RIGHT_NAMES[r][lang]}`).join('\n'));
  }
  return `${out.join('\n\n')}\n`;
}
