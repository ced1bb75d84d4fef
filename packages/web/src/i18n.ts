import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './locales/en';
import { fi } from './locales/fi';
import { sv } from './locales/sv';

/**
 * Every text of the app comes from here (issue 7 item 7): Finnish, English and Swedish complete (the types of
 * `fi` and `sv` are the shape of `en`, so a missing Finnish or Swedish text fails the typecheck). Swedish is
 * written as in Finland (personbeteckning, FO-nummer, dataskyddsbeskrivning). A key missing at run time still
 * falls back to Finnish. The chosen language is remembered in the browser, and the API is asked to answer its
 * messages in it (`Accept-Language`, see api.ts).
 */
export const LANGUAGES = [
  { code: 'fi', name: 'Suomi' },
  { code: 'en', name: 'English' },
  { code: 'sv', name: 'Svenska' },
] as const;
export type LangCode = (typeof LANGUAGES)[number]['code'];

const STORAGE_KEY = 'lupaus.lang';

function initialLanguage(): LangCode {
  const saved = safeStorage()?.getItem(STORAGE_KEY);
  if (saved === 'fi' || saved === 'en' || saved === 'sv') return saved;
  const nav = (navigator.language || 'fi').slice(0, 2);
  return nav === 'en' || nav === 'sv' ? nav : 'fi';
}

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

export function setLanguage(lang: LangCode): void {
  safeStorage()?.setItem(STORAGE_KEY, lang);
  void i18next.changeLanguage(lang);
}

void i18next.use(initReactI18next).init({
  resources: { fi: { translation: fi }, en: { translation: en }, sv: { translation: sv } },
  lng: initialLanguage(),
  fallbackLng: { sv: ['fi'], default: ['fi'] },
  interpolation: { escapeValue: false },
  returnNull: false,
});

i18next.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});
document.documentElement.lang = i18next.language;

export default i18next;
