import type { Definition } from '../definition/schema';
import { type Language, t } from '../definition/text';
import { formatAddress, formatDate, joinList } from '../notice/format';

/** What a notice to the persons affected by a breach tells (GDPR art. 34(2) with art. 33(3)(b)–(d)). */
export interface BreachNoticeFacts {
  /** The nature of the breach, as the controller described it. */
  description: string;
  /** The definition's category ids concerned. */
  categories: readonly string[];
  occurredAt: Date | null;
  discoveredAt: Date;
  /** The likely consequences (art. 33(3)(c)). */
  consequences: string | null;
  /** The measures taken or proposed, including those to mitigate the possible adverse effects (art. 33(3)(d)). */
  measures: string | null;
}

/** A notice in both languages of the register: one subject line and a plain-text body. */
export interface BreachNotice {
  subject: string;
  body: string;
}

type Bi = { fi: string; en: string };

/**
 * The contact point a person affected by a breach can turn to (art. 33(3)(b)): the data protection officer when
 * one is appointed, else the definition's contact person, else the controller. Name and contact details, in
 * `lang`.
 *
 * @example
 * ```ts
 * breachContactPoint(definition, 'en'); // 'Data protection officer: tietosuoja@vastuugroup.fi'
 * ```
 */
export function breachContactPoint(def: Definition, lang: Language): string {
  const L: Record<'dpo' | 'contact' | 'controller', Bi> = {
    dpo: { fi: 'Tietosuojavastaava', en: 'Data protection officer' },
    contact: { fi: 'Yhteyshenkilö', en: 'Contact person' },
    controller: { fi: 'Rekisterinpitäjä', en: 'Controller' },
  };
  const describe = (
    label: Bi,
    c: {
      name?: string | undefined;
      email?: string | undefined;
      phone?: string | undefined;
      address?: Parameters<typeof formatAddress>[0] | undefined;
      website?: string | undefined;
    },
  ): string | null => {
    const details = [
      c.email,
      c.phone,
      c.address ? formatAddress(c.address, lang) : undefined,
      c.website,
    ].filter((x): x is string => Boolean(x));
    if (details.length === 0) return null;
    const head = c.name
      ? `${label[lang === 'fi' ? 'fi' : 'en']}: ${c.name}`
      : label[lang === 'fi' ? 'fi' : 'en'];
    return `${head}, ${details.join(', ')}`;
  };
  if (def.dpo && def.dpo.appointed !== false) {
    const dpo = describe(L.dpo, def.dpo);
    if (dpo) return dpo;
  }
  if (def.contact) {
    const contact = describe(L.contact, def.contact);
    if (contact) return contact;
  }
  const controller = describe(L.controller, { ...def.controller, name: def.controller.name });
  return controller ?? `${L.controller[lang === 'fi' ? 'fi' : 'en']}: ${def.controller.name}`;
}

function dateOf(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * The notice to a person affected by a personal data breach (GDPR art. 34(2)), in clear and plain language, in
 * Finnish and then English: what happened (the nature of the breach, when, which kinds of data), the contact
 * point, the likely consequences and the measures taken or proposed, including what the person can do. Every
 * fact comes from the breach record and the register definition; the text names no other person.
 *
 * @example
 * ```ts
 * const { subject, body } = breachNotice(definition, {
 *   description: 'Asiakasrekisterin varmuuskopio lähetettiin väärälle vastaanottajalle.',
 *   categories: ['contact_details'], occurredAt: null, discoveredAt: new Date(),
 *   consequences: 'Tietojenkalastelu', measures: 'Vastaanottaja poisti tiedoston.',
 * });
 * ```
 */
export function breachNotice(def: Definition, f: BreachNoticeFacts): BreachNotice {
  const controller = def.controller.tradeName ?? def.controller.name;
  const categoryNames = (lang: Language): string =>
    joinList(
      f.categories.map((id) => {
        const c = def.categories.find((x) => x.id === id);
        return c ? t(c.name, lang) : id;
      }),
      lang,
    );
  const when = (lang: 'fi' | 'en'): string => {
    const discovered = formatDate(dateOf(f.discoveredAt), lang);
    if (!f.occurredAt) {
      return lang === 'fi'
        ? `Saimme tiedon tapahtuneesta ${discovered}.`
        : `We became aware of it on ${discovered}.`;
    }
    const occurred = formatDate(dateOf(f.occurredAt), lang);
    return lang === 'fi'
      ? `Tapahtuma sattui ${occurred}, ja saimme siitä tiedon ${discovered}.`
      : `It happened on ${occurred}, and we became aware of it on ${discovered}.`;
  };
  const fi = [
    'Hyvä vastaanottaja,',
    `kerromme tällä viestillä tietoturvaloukkauksesta, joka koskee henkilötietojanne rekisterissä ${t(def.register.name, 'fi')} (${controller}). Kerromme siitä, koska se voi aiheuttaa riskin oikeuksillenne (yleinen tietosuoja-asetus, 34 artikla).`,
    `Mitä tapahtui: ${f.description}`,
    when('fi'),
    `Tietoja, joita loukkaus koskee: ${categoryNames('fi')}.`,
    `Todennäköiset seuraukset: ${f.consequences ?? 'Arvioimme seurauksia edelleen; kerromme, jos saamme tietää lisää.'}`,
    `Mitä olemme tehneet ja mitä teemme, myös haittojen lieventämiseksi: ${f.measures ?? 'Selvitämme tapahtunutta ja kerromme toimista yhteyshenkilömme kautta.'}`,
    `Lisätietoja antaa: ${breachContactPoint(def, 'fi')}.`,
  ];
  const en = [
    'Dear recipient,',
    `this message tells you about a personal data breach that concerns your personal data in the register ${t(def.register.name, 'en')} (${controller}). We tell you because it may put your rights at risk (GDPR article 34).`,
    `What happened: ${f.description}`,
    when('en'),
    `The data concerned: ${categoryNames('en')}.`,
    `Likely consequences: ${f.consequences ?? 'We are still assessing the consequences and will tell you if we learn more.'}`,
    `What we have done and will do, including to mitigate possible adverse effects: ${f.measures ?? 'We are investigating and our contact point can tell you about the measures.'}`,
    `For more information: ${breachContactPoint(def, 'en')}.`,
  ];
  return {
    subject: `Tietoturvaloukkaus henkilötiedoissanne / A personal data breach concerning your data – ${controller}`,
    body: `${fi.join('\n\n')}\n\n${controller}\n\n---\n\n${en.join('\n\n')}\n\n${controller}\n`,
  };
}
