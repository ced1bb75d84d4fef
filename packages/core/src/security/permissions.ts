import type { Definition } from '../definition/schema';

/**
 * Every action a role may be allowed (R6.2). A use case asks for exactly one of these before it reads or
 * changes anything (`authorize` in the engine), and each API route declares the same one, so that the route ×
 * role matrix test can tell what every role may do. `personalData` actions also need the current
 * confidentiality commitment signed (R6.3).
 *
 * @example
 * ```ts
 * permissionsOf(definition, ['marketing']).has('marketing.select'); // true
 * permissionsOf(definition, ['marketing']).has('persons.read'); // false: marketing sees only the gate's output
 * ```
 */
export const PERMISSIONS = {
  'register.read': {
    personalData: false,
    description: 'Read the register definition, its data catalogue and its record of processing',
  },
  'persons.read': {
    personalData: true,
    description:
      'Read persons, organisations, contact roles, records, the timeline, files, provenance and the relationship (fields as the catalogue allows)',
  },
  'persons.write': {
    personalData: true,
    description:
      'Add and change persons, organisations, contact roles, records and files; end a relationship',
  },
  'persons.reveal': {
    personalData: true,
    description: "Reveal a sensitive field such as the hetu (also limited by the field's reveal roles)",
  },
  'consents.read': { personalData: true, description: "Read a person's consents and prohibitions" },
  'consents.write': {
    personalData: true,
    description:
      'Record consents, prohibitions, withdrawals and objections to direct marketing; import suppression lists',
  },
  'marketing.select': {
    personalData: true,
    description: 'Make marketing selections, segments and mailing labels, only through the marketing gate',
  },
  'requests.manage': {
    personalData: true,
    description:
      "Handle the data subject's requests: access reports, portability, rectification, restriction, objections, erasure, anonymisation and the notices they send",
  },
  'disclosures.manage': { personalData: true, description: 'Record and read disclosures of personal data' },
  'retention.manage': {
    personalData: true,
    description: 'Plan and run the retention sweep, read its reports, set and release legal holds',
  },
  'breaches.manage': {
    personalData: true,
    description: 'Record personal data breaches, the persons affected and the notifications',
  },
  'audit.read': {
    personalData: false,
    description: 'Search and verify the audit trail (ids only: who read or changed whose data, when, why)',
  },
  'users.manage': {
    personalData: false,
    description:
      "Add, change, lock and remove user accounts; assign roles; revoke others' sessions and tokens",
  },
} as const satisfies Record<string, { personalData: boolean; description: string }>;

export type Permission = keyof typeof PERMISSIONS;

export const PERMISSION_IDS = Object.keys(PERMISSIONS) as Permission[];

export function isPermission(s: string): s is Permission {
  return Object.hasOwn(PERMISSIONS, s);
}

/** What each default role may do when the definition names no permissions for it. */
export const DEFAULT_ROLE_PERMISSIONS: Record<string, readonly Permission[]> = {
  administrator: PERMISSION_IDS,
  privacy_officer: [
    'register.read',
    'persons.read',
    'persons.reveal',
    'consents.read',
    'consents.write',
    'requests.manage',
    'disclosures.manage',
    'retention.manage',
    'breaches.manage',
    'audit.read',
  ],
  customer_service: [
    'register.read',
    'persons.read',
    'persons.write',
    'consents.read',
    'consents.write',
    'disclosures.manage',
  ],
  marketing: ['register.read', 'marketing.select'],
  auditor: ['register.read', 'audit.read'],
};

/** The permissions of one role: its own list in the definition, else the default role's, else none. */
export function rolePermissions(def: Definition, roleId: string): readonly Permission[] {
  const declared = def.roles?.find((r) => r.id === roleId);
  if (declared?.permissions) return declared.permissions.filter(isPermission);
  if (def.roles && def.roles.length > 0 && !declared) return [];
  return DEFAULT_ROLE_PERMISSIONS[roleId] ?? [];
}

/** The union of the permissions of the given roles. */
export function permissionsOf(def: Definition, roles: readonly string[]): Set<Permission> {
  const out = new Set<Permission>();
  for (const r of roles) for (const p of rolePermissions(def, r)) out.add(p);
  return out;
}
