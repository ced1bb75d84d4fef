import type { ProblemDetail } from './catalogue';

/**
 * The one catalogue of translated problem messages (issue 7): a problem a validator finds carries a
 * machine-readable `code` and the values its message names (`params`), and its English `message`. The API
 * answers the message in the language of the request (`Accept-Language` fi, en or sv; else the register's first
 * language, else Finnish) by looking the code up here; the code and the path (`at`) stay as they are, so a
 * program reads those, a person the message. A code not in this catalogue keeps its English message.
 *
 * Placeholders are `{{name}}`; `{{field}}` is the field's label in that language when the caller knows it (the
 * catalogue of the register), else its id.
 *
 * @example
 * ```ts
 * localizeProblem({ at: 'fields.email[0]', message: '"x" is not an email address', code: 'email.invalid',
 *   params: { field: 'email', value: 'x' } }, 'fi');
 * // { at: 'fields.email[0]', message: '"x" ei ole sähköpostiosoite.', code: 'email.invalid', params: ... }
 * ```
 */
export type MessageLanguage = 'fi' | 'en' | 'sv';

type Messages = Record<string, Record<MessageLanguage, string>>;

export const PROBLEM_MESSAGES: Messages = {
  'fields.object': {
    fi: 'Kentät annetaan olioina: kentän nimi ja arvo.',
    en: 'Fields must be an object of field names and values.',
    sv: 'Fälten ges som ett objekt med fältnamn och värden.',
  },
  'field.undeclared': {
    fi: 'Rekisterin määrittely ei tunne kenttää "{{field}}", joten sitä ei voi tallentaa. Tunnetut kentät: {{declared}}.',
    en: 'The register definition does not declare the field "{{field}}", so it cannot be stored. Declared fields: {{declared}}.',
    sv: 'Registrets definition känner inte till fältet "{{field}}", så det kan inte sparas. Kända fält: {{declared}}.',
  },
  'field.required': {
    fi: '{{field}} on pakollinen.',
    en: '{{field}} is required.',
    sv: '{{field}} är obligatoriskt.',
  },
  'field.invalid': {
    fi: '{{field}}: arvo ei kelpaa.',
    en: '{{field}}: the value is not valid.',
    sv: '{{field}}: värdet är inte giltigt.',
  },
  'text.type': { fi: '{{field}} on tekstiä.', en: '{{field}} must be text.', sv: '{{field}} ska vara text.' },
  'text.empty': {
    fi: '{{field}} on tyhjä.',
    en: '{{field}} is empty.',
    sv: '{{field}} är tomt.',
  },
  'text.too_long': {
    fi: '{{field}} on {{length}} merkkiä pitkä; enintään {{max}} merkkiä.',
    en: '{{field}} is {{length}} characters long; at most {{max}} are allowed.',
    sv: '{{field}} är {{length}} tecken långt; högst {{max}} tecken är tillåtna.',
  },
  'text.control': {
    fi: 'Tekstissä on ohjausmerkki ({{where}}), jota ei voi tallentaa.',
    en: 'The text holds a control character ({{where}}), which cannot be stored.',
    sv: 'Texten innehåller ett styrtecken ({{where}}), som inte kan sparas.',
  },
  'text.surrogate': {
    fi: 'Tekstissä on puolikas merkki (pariton korvausmerkki, {{where}}), jota ei voi tallentaa.',
    en: 'The text holds half of a character (a lone surrogate, {{where}}), which cannot be stored.',
    sv: 'Texten innehåller ett halvt tecken (ett ensamt surrogattecken, {{where}}), som inte kan sparas.',
  },
  'list.type': {
    fi: '{{field}} on luettelo ei-tyhjiä tekstejä.',
    en: '{{field}} must be a list of non-empty texts.',
    sv: '{{field}} ska vara en lista med texter som inte är tomma.',
  },
  'list.item_too_long': {
    fi: 'Kentän {{field}} kohta on liian pitkä.',
    en: 'An item of {{field}} is too long.',
    sv: 'En post i {{field}} är för lång.',
  },
  'list.too_many': {
    fi: 'Kentässä {{field}} on {{count}} kohtaa; enintään {{max}}.',
    en: '{{field}} has {{count}} items; at most {{max}} are allowed.',
    sv: '{{field}} har {{count}} poster; högst {{max}} är tillåtna.',
  },
  'integer.type': {
    fi: '{{field}} on kokonaisluku.',
    en: '{{field}} must be a whole number.',
    sv: '{{field}} ska vara ett heltal.',
  },
  'number.type': {
    fi: '{{field}} on luku.',
    en: '{{field}} must be a number.',
    sv: '{{field}} ska vara ett tal.',
  },
  'boolean.type': {
    fi: '{{field}} on kyllä tai ei.',
    en: '{{field}} must be yes or no.',
    sv: '{{field}} ska vara ja eller nej.',
  },
  'date.invalid': {
    fi: '{{field}} on päivämäärä muodossa VVVV-KK-PP, ja sen päivän pitää olla olemassa.',
    en: '{{field}} must be a date written YYYY-MM-DD, on a day the calendar has.',
    sv: '{{field}} ska vara ett datum på formen ÅÅÅÅ-MM-DD, en dag som finns i kalendern.',
  },
  'datetime.invalid': {
    fi: '{{field}} on päivämäärä ja kellonaika (ISO 8601).',
    en: '{{field}} must be an ISO 8601 date and time.',
    sv: '{{field}} ska vara ett datum och en tid (ISO 8601).',
  },
  'enum.invalid': {
    fi: '{{field}}: valitse jokin vaihtoehdoista ({{options}}).',
    en: '{{field}}: choose one of the options ({{options}}).',
    sv: '{{field}}: välj ett av alternativen ({{options}}).',
  },
  'email.type': {
    fi: '{{field}} on sähköpostiosoite.',
    en: '{{field}} must be an email address.',
    sv: '{{field}} ska vara en e-postadress.',
  },
  'email.invalid': {
    fi: '"{{value}}" ei ole sähköpostiosoite (esimerkiksi nimi@yritys.fi).',
    en: '"{{value}}" is not an email address (for example name@company.fi).',
    sv: '"{{value}}" är inte en e-postadress (till exempel namn@foretag.fi).',
  },
  'phone.type': {
    fi: '{{field}} on puhelinnumero.',
    en: '{{field}} must be a phone number.',
    sv: '{{field}} ska vara ett telefonnummer.',
  },
  'phone.invalid': {
    fi: '"{{value}}" ei ole kelvollinen puhelinnumero (esimerkiksi 040 123 4567 tai +358 40 123 4567).',
    en: '"{{value}}" is not a valid phone number (for example 040 123 4567 or +358 40 123 4567).',
    sv: '"{{value}}" är inte ett giltigt telefonnummer (till exempel 040 123 4567 eller +358 40 123 4567).',
  },
  'hetu.type': {
    fi: '{{field}} on henkilötunnus.',
    en: '{{field}} must be a personal identity code.',
    sv: '{{field}} ska vara en personbeteckning.',
  },
  'hetu.format': {
    fi: 'Henkilötunnus on muotoa PPKKVVSNNNT, esimerkiksi 131052-308T (S on vuosisatamerkki).',
    en: 'A personal identity code has the form DDMMYYCNNNQ, for example 131052-308T (C is the century sign).',
    sv: 'En personbeteckning har formen DDMMÅÅCNNNK, till exempel 131052-308T (C är sekeltecknet).',
  },
  'hetu.date': {
    fi: 'Henkilötunnuksen päivämäärää {{date}} ei ole olemassa.',
    en: 'The date {{date}} in the personal identity code does not exist.',
    sv: 'Datumet {{date}} i personbeteckningen finns inte.',
  },
  'hetu.individual': {
    fi: 'Henkilötunnuksen yksilönumeroa {{number}} ei anneta (002–999).',
    en: 'The individual number {{number}} of a personal identity code is not issued (002–999).',
    sv: 'Individnumret {{number}} i en personbeteckning tilldelas inte (002–999).',
  },
  'hetu.check': {
    fi: 'Henkilötunnuksen tarkistemerkki on väärä (pitäisi olla {{expected}}, on {{got}}).',
    en: 'The check character of the personal identity code is wrong (expected {{expected}}, got {{got}}).',
    sv: 'Kontrolltecknet i personbeteckningen är fel (borde vara {{expected}}, är {{got}}).',
  },
  'business_id.type': {
    fi: '{{field}} on Y-tunnus.',
    en: '{{field}} must be a business id.',
    sv: '{{field}} ska vara ett FO-nummer.',
  },
  'business_id.format': {
    fi: '"{{value}}" ei ole Y-tunnus; Y-tunnus on muotoa 1234567-8.',
    en: '"{{value}}" is not a business id; a business id has the form 1234567-8.',
    sv: '"{{value}}" är inte ett FO-nummer; ett FO-nummer har formen 1234567-8.',
  },
  'business_id.no_check': {
    fi: '{{value}} ei voi olla Y-tunnus: sille ei ole tarkistenumeroa.',
    en: '{{value}} cannot be a business id: no check digit exists for it.',
    sv: '{{value}} kan inte vara ett FO-nummer: det finns ingen kontrollsiffra för det.',
  },
  'business_id.check': {
    fi: 'Y-tunnuksen {{value}} tarkistenumero on väärä (pitäisi olla {{expected}}).',
    en: 'The check digit of business id {{value}} is wrong (expected {{expected}}).',
    sv: 'Kontrollsiffran i FO-numret {{value}} är fel (borde vara {{expected}}).',
  },
  'url.invalid': {
    fi: '{{field}} on http(s)-osoite.',
    en: '{{field}} must be an http(s) address.',
    sv: '{{field}} ska vara en http(s)-adress.',
  },
  'ip.invalid': {
    fi: '{{field}} on IPv4- tai IPv6-osoite.',
    en: '{{field}} must be an IPv4 or IPv6 address.',
    sv: '{{field}} ska vara en IPv4- eller IPv6-adress.',
  },
  'address.type': {
    fi: '{{field}}: osoitteessa on katuosoite, postinumero, postitoimipaikka ja maa.',
    en: '{{field}}: an address has a street, a postal code, a city and a country.',
    sv: '{{field}}: en adress har gatuadress, postnummer, postort och land.',
  },
  'address.unknown_part': {
    fi: 'Osoitteessa ei ole osaa "{{part}}".',
    en: 'An address has no "{{part}}".',
    sv: 'En adress har ingen del "{{part}}".',
  },
  'address.part_text': {
    fi: 'Osoitteen osa {{part}} on tekstiä.',
    en: 'The address part {{part}} must be text.',
    sv: 'Adressdelen {{part}} ska vara text.',
  },
  'address.country': {
    fi: 'Maa annetaan ISO 3166 -koodina, esimerkiksi FI.',
    en: 'The country is an ISO 3166 code such as FI.',
    sv: 'Landet anges som en ISO 3166-kod, till exempel FI.',
  },
  'address.postal_code': {
    fi: 'Suomalaisessa postinumerossa on viisi numeroa.',
    en: 'A Finnish postal code has five digits.',
    sv: 'Ett finskt postnummer har fem siffror.',
  },
  'address.incomplete': {
    fi: 'Osoitteessa tarvitaan katuosoite, postilokero tai postitoimipaikka.',
    en: 'An address needs a street, a PO box or a city.',
    sv: 'En adress behöver en gatuadress, en postbox eller en postort.',
  },
  'contact_role.ends_before_start': {
    fi: 'Rooli alkoi {{startsOn}}; se ei voi päättyä ennen sitä.',
    en: 'The role started on {{startsOn}}; it cannot end before that.',
    sv: 'Rollen började {{startsOn}}; den kan inte upphöra före det.',
  },
  'evidence.media_type': {
    fi: 'Todiste on PDF- tai kuvatiedosto (skannattu tai allekirjoitettu lomake), ei {{mediaType}}.',
    en: 'Evidence is a PDF or an image (a scanned or signed form), not {{mediaType}}.',
    sv: 'Beviset är en PDF eller en bild (en skannad eller undertecknad blankett), inte {{mediaType}}.',
  },
};

/** The first of fi, en, sv an `Accept-Language` header asks for (by its q values), else `fallback`. */
export function messageLanguage(
  acceptLanguage: string | undefined,
  fallback: MessageLanguage = 'fi',
): MessageLanguage {
  if (!acceptLanguage) return fallback;
  const asked = acceptLanguage
    .split(',')
    .map((part, i) => {
      const [tag = '', ...rest] = part.trim().split(';');
      const q = rest.map((r) => /^\s*q=([\d.]+)\s*$/.exec(r)?.[1]).find((x) => x !== undefined);
      return { lang: tag.trim().toLowerCase().slice(0, 2), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const a of asked) if (a.lang === 'fi' || a.lang === 'en' || a.lang === 'sv') return a.lang;
  return fallback;
}

/**
 * The problem with its message in `lang` (its code, path and params unchanged); as it was when its code is not
 * in the catalogue. `fieldLabel` turns a field id into its label in that language.
 */
export function localizeProblem(
  problem: ProblemDetail,
  lang: MessageLanguage,
  fieldLabel: (fieldId: string, lang: MessageLanguage) => string | undefined = () => undefined,
): ProblemDetail {
  const template = problem.code ? PROBLEM_MESSAGES[problem.code]?.[lang] : undefined;
  if (!template) return problem;
  const params = problem.params ?? {};
  const message = template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (name === 'field' && typeof params.field === 'string')
      return fieldLabel(params.field, lang) ?? params.field;
    const v = params[name];
    return v === undefined ? '' : String(v);
  });
  return { ...problem, message: capitalise(message) };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

const VALIDATION_FAILED: Record<MessageLanguage, string> = {
  fi: 'Tiedoissa on korjattavaa: katso kohdat.',
  en: 'The input is not valid: see the problems listed.',
  sv: 'Uppgifterna behöver rättas: se punkterna.',
};

/** The headline of a `VALIDATION_FAILED` error in a language. */
export function validationMessage(lang: MessageLanguage): string {
  return VALIDATION_FAILED[lang];
}
