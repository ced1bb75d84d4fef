import type { Definition, Role } from './schema';

/** The roles a register has when its definition declares none (R6.2). */
export const DEFAULT_ROLES: Role[] = [
  {
    id: 'administrator',
    name: { fi: 'Pääkäyttäjä', en: 'Administrator', sv: 'Administratör' },
    description: { fi: 'Hallinnoi käyttäjiä ja rekisteriä.', en: 'Manages users and the register.' },
  },
  {
    id: 'privacy_officer',
    name: { fi: 'Tietosuojavastaava', en: 'Privacy officer', sv: 'Dataskyddsombud' },
    description: {
      fi: 'Käsittelee rekisteröityjen pyynnöt ja valvoo käsittelyä.',
      en: 'Handles data subject requests and oversees processing.',
    },
  },
  {
    id: 'customer_service',
    name: { fi: 'Asiakaspalvelu', en: 'Customer service', sv: 'Kundtjänst' },
    description: { fi: 'Hoitaa asiakassuhdetta.', en: 'Looks after the customer relationship.' },
  },
  {
    id: 'marketing',
    name: { fi: 'Markkinointi', en: 'Marketing', sv: 'Marknadsföring' },
    description: {
      fi: 'Näkee vain markkinointiportin läpäisevät tiedot.',
      en: 'Sees only what passes the marketing gate.',
    },
  },
  {
    id: 'auditor',
    name: { fi: 'Tarkastaja', en: 'Auditor', sv: 'Revisor' },
    description: {
      fi: 'Lukee lokitapahtumia, ei henkilötietoja.',
      en: 'Reads the audit trail, not personal data.',
    },
  },
];

/** Roles that read personal data by default, when a category names none. */
export const DEFAULT_READ_ROLES = ['administrator', 'privacy_officer', 'customer_service'];
/** Roles that may reveal a sensitive field (such as hetu) by default. */
export const DEFAULT_REVEAL_ROLES = ['administrator', 'privacy_officer'];

export function rolesOf(def: Definition): Role[] {
  return def.roles && def.roles.length > 0 ? def.roles : DEFAULT_ROLES;
}
