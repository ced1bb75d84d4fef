import type { Definition } from '../definition/schema';
import type { Text } from '../definition/text';

/**
 * The confidentiality commitment (salassapitositoumus) a user signs before they see personal data (R6.3,
 * seeds 001 and 004). A register may write its own in `security.commitment` (with a version); this is the text otherwise.
 */
export const DEFAULT_COMMITMENT: Text = {
  fi: 'Sitoudun pitämään salassa kaikki asiakasrekisterin henkilötiedot, joihin pääsen käsiksi tehtävissäni, sekä palvelussuhteeni aikana että sen päätyttyä. Käsittelen henkilötietoja vain tehtäväni edellyttämässä laajuudessa ja ilmoitettuun käyttötarkoitukseen, en luovuta niitä sivullisille enkä käytä niitä omaksi tai toisen hyödyksi. Tiedän, että kaikki tietojen katselu ja muuttaminen kirjataan lokiin, ja että vaitiolovelvollisuuden rikkominen voi johtaa rikosoikeudelliseen vastuuseen (rikoslaki 38 luku) ja vahingonkorvausvelvollisuuteen.',
  en: 'I undertake to keep confidential all personal data of the customer register that I have access to in my work, both during my employment and after it has ended. I process personal data only as far as my task requires and for the declared purpose, I do not disclose it to third parties nor use it for my own or anyone else’s benefit. I know that every view and change of the data is logged, and that breaking the duty of confidentiality can lead to criminal liability (Finnish Criminal Code, chapter 38) and to liability for damages.',
  sv: 'Jag förbinder mig att hålla alla personuppgifter i kundregistret som jag får tillgång till i mitt arbete hemliga, både under anställningen och efter att den har upphört. Jag behandlar personuppgifter endast i den omfattning min uppgift kräver och för det angivna ändamålet, och jag lämnar inte ut dem till utomstående. Jag vet att all visning och ändring av uppgifterna loggas.',
};

/** The commitment in force for a register: its version label and text. */
export function currentCommitment(def: Definition): { version: string; text: Text } {
  return def.security?.commitment ?? { version: 'lupaus-default-1', text: DEFAULT_COMMITMENT };
}
