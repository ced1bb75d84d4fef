import type { Address, Definition } from '../definition/schema';
import { type Language, t } from '../definition/text';
import { escapeHtml } from '../notice/markdown';

/** What a refusal certificate states (R4.3, art. 12(4)): no more than the refusal needs. */
export interface RefusalCertificateInput {
  definition: Definition;
  /** What was asked: rectification (by default), erasure, ... */
  requestType?: string;
  requestId: string;
  /** When the request was received (ISO 8601). */
  receivedAt: string;
  /** The date of the refusal (ISO 8601 instant or date). */
  date: string;
  /** The reasons, each a paragraph. At least one. */
  reasons: string[];
  /** The fields the subject asked to correct (ids; labels come from the definition). */
  fields?: string[];
  /** The subject's name as the letter is addressed; optional. */
  addressee?: string;
}

const TYPE_NAMES: Record<string, { fi: string; en: string }> = {
  rectification: { fi: 'Tietojen oikaisu', en: 'Rectification' },
  erasure: { fi: 'Tietojen poistaminen', en: 'Erasure' },
  restriction: { fi: 'Käsittelyn rajoittaminen', en: 'Restriction of processing' },
  objection: { fi: 'Käsittelyn vastustaminen', en: 'Objection' },
  access: { fi: 'Tietojen tarkastus', en: 'Access' },
  portability: { fi: 'Tietojen siirtäminen', en: 'Data portability' },
};

function addressLines(a: Address | undefined): string[] {
  if (!a) return [];
  return [a.street, a.poBox, [a.postalCode, a.city].filter(Boolean).join(' ')].filter(
    (x): x is string => !!x,
  );
}

function fieldLabel(def: Definition, id: string, lang: Language): string {
  for (const c of def.categories) {
    if (c.holder !== 'person') continue;
    const f = c.fields.find((x) => x.id === id);
    if (f?.label) return t(f.label, lang);
  }
  return id;
}

function dateOf(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return new Intl.DateTimeFormat('fi-FI', { timeZone: 'Europe/Helsinki', dateStyle: 'long' }).format(d);
}

/**
 * A certificate of refusal (R4.3, art. 12(4); tietosuojalaki: "todistus epäämisestä") as a printable HTML page:
 * the controller, the request and its date, the reasons for not acting on it, the date of the refusal, and the
 * subject's right to lodge a complaint with the supervisory authority (the definition's `authority`, art. 77)
 * and to seek a judicial remedy in court (art. 79). Pure: every text is HTML-escaped.
 *
 * @example
 * ```ts
 * const html = renderRefusalCertificate({ definition, requestId, receivedAt: '2026-03-01T09:00:00Z',
 *   date: '2026-03-10T12:00:00Z', reasons: ['Osoite on väestötietojärjestelmän mukainen.'], fields: ['address'] });
 * ```
 */
export function renderRefusalCertificate(input: RefusalCertificateInput): string {
  const def = input.definition;
  const e = escapeHtml;
  const type = TYPE_NAMES[input.requestType ?? 'rectification'] ?? {
    fi: input.requestType ?? '',
    en: input.requestType ?? '',
  };
  const c = def.controller;
  const contact = def.dpo ?? def.contact;
  const authority = def.authority;
  const controllerLines = [
    c.name + (c.businessId ? ` (Y-tunnus ${c.businessId})` : ''),
    ...addressLines(c.address),
    ...((contact?.email ?? c.email) ? [(contact?.email ?? c.email) as string] : []),
  ];
  const authorityFi = authority ? t(authority.name, 'fi') : 'Tietosuojavaltuutetun toimisto';
  const authorityEn = authority ? t(authority.name, 'en') : 'Office of the Data Protection Ombudsman';
  const authorityLines = authority
    ? [
        ...addressLines(authority.address),
        ...(authority.postal ? addressLines(authority.postal) : []),
        ...(authority.phone ? [authority.phone] : []),
        ...(authority.email ? [authority.email] : []),
        ...(authority.website ? [authority.website] : []),
      ]
    : ['tietosuoja.fi'];
  const fields = (input.fields ?? []).map((f) => `${fieldLabel(def, f, 'fi')} / ${fieldLabel(def, f, 'en')}`);
  const reasons = input.reasons.map((r) => `<p class="reason">${e(r).replace(/\n/g, '<br>')}</p>`).join('\n');
  const lines = (xs: string[]) => xs.map((x) => e(x)).join('<br>');
  return `<!doctype html>
<html lang="fi">
<head>
<meta charset="utf-8">
<title>Todistus epäämisestä / Certificate of refusal – ${e(c.name)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; line-height: 1.45; }
h1 { font-size: 1.4rem; } h2 { font-size: 1.1rem; margin-top: 1.6rem; }
.meta td { padding: 0.1rem 1rem 0.1rem 0; vertical-align: top; }
.en { color: #333; }
@media print { body { margin: 1cm; } }
</style>
</head>
<body>
<header>
<p class="controller">${lines(controllerLines)}</p>
${input.addressee ? `<p class="addressee">${e(input.addressee)}</p>` : ''}
</header>
<h1>Todistus epäämisestä / Certificate of refusal</h1>
<table class="meta">
<tr><td>Pyyntö / Request</td><td>${e(type.fi)} / ${e(type.en)}</td></tr>
<tr><td>Tunnus / Reference</td><td>${e(input.requestId)}</td></tr>
<tr><td>Vastaanotettu / Received</td><td>${e(dateOf(input.receivedAt))}</td></tr>
<tr><td>Päivämäärä / Date</td><td><time datetime="${e(input.date)}">${e(dateOf(input.date))}</time></td></tr>
${fields.length > 0 ? `<tr><td>Pyydetyt tiedot / Data concerned</td><td>${lines(fields)}</td></tr>` : ''}
</table>
<section class="decision">
<h2>Päätös / Decision</h2>
<p>${e(c.name)} ei toteuta pyyntöä seuraavista syistä (EU:n yleinen tietosuoja-asetus, 12 artiklan 4 kohta).</p>
<p class="en">${e(c.name)} does not act on the request for the following reasons (GDPR art. 12(4)).</p>
</section>
<section class="reasons">
<h2>Perustelut / Reasons</h2>
${reasons}
</section>
<section class="remedies">
<h2>Oikeusturva / Your remedies</h2>
<p>Sinulla on oikeus tehdä valitus valvontaviranomaiselle, jos katsot, että henkilötietojesi käsittelyssä rikotaan
tietosuoja-asetusta (77 artikla): <strong>${e(authorityFi)}</strong>.</p>
<p class="authority">${lines(authorityLines)}</p>
<p>Sinulla on myös oikeus saattaa asia tuomioistuimen käsiteltäväksi (79 artikla): kanne rekisterinpitäjää
vastaan nostetaan käräjäoikeudessa.</p>
<p class="en">You have the right to lodge a complaint with the supervisory authority (art. 77), ${e(authorityEn)},
and the right to an effective judicial remedy against the controller in court (art. 79): in Finland, the
district court.</p>
</section>
<footer>
<p>${e(c.name)}, ${e(dateOf(input.date))}</p>
</footer>
</body>
</html>
`;
}
