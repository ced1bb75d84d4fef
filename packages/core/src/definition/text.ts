import { z } from 'zod';

/** The languages a notice is written in. Finnish and English are required; Swedish is welcome. */
export const LANGUAGES = ['fi', 'en', 'sv'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * A text of the register definition, in Finnish and English, optionally Swedish. Texts may hold light
 * Markdown (paragraphs separated by a blank line, `- ` lists, `**bold**`).
 *
 * @example
 * ```ts
 * const t: Text = { fi: 'Asiakasrekisteri', en: 'Customer register' };
 * ```
 */
export const TextSchema = z.strictObject({
  fi: z.string().min(1, 'the Finnish text is empty'),
  en: z.string().min(1, 'the English text is empty'),
  sv: z.string().min(1, 'the Swedish text is empty').optional(),
});
export type Text = z.infer<typeof TextSchema>;

/** The text in `lang`, falling back to English and then Finnish where a Swedish text is missing. */
export function t(text: Text | undefined, lang: Language): string {
  if (!text) return '';
  return text[lang] ?? text.en ?? text.fi;
}
