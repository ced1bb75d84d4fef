import { describe, expect, it } from 'vitest';
import { loadDefinition } from './load';

const base = `lupaus: 1
id: demo
notice:
  date: 2020-01-30
controller:
  kind: company
  name: Demo Oy
  businessId: !added 1599535-4
  email: !completed
    seed: (s-postiosoite)
    value: demo@example.fi
register:
  name: { fi: Asiakasrekisteri, en: Customer register }
cookies:
  used: !added false
  text: { fi: Emme käytä evästeitä., en: We use no cookies. }
purposes:
  - id: crm
    name: { fi: Asiakassuhde, en: Customer relationship }
    basis: contract
  - !added
    id: mk
    name: { fi: Markkinointi, en: Marketing }
`;

describe('loadDefinition', () => {
  it('R1.1 reads the completed definition: marks removed, typed values kept', () => {
    const r = loadDefinition(base);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.definition.controller.businessId).toBe('1599535-4');
    expect(r.definition.controller.email).toBe('demo@example.fi');
    expect(r.definition.cookies?.used).toBe(false);
    expect(r.definition.purposes.map((p) => p.id)).toEqual(['crm', 'mk']);
  });

  it('R1.4 reads the seed form: additions gone, completed values back to the seed', () => {
    const r = loadDefinition(base, { asSeed: true });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    // cookies.used was added, so the seed form lacks it and the schema says where.
    expect(r.problems.map((p) => p.message)).toEqual([expect.stringContaining('cookies.used')]);
    const fixed = loadDefinition(base.replace('used: !added false', 'used: false'), { asSeed: true });
    expect(fixed.ok).toBe(true);
    if (!fixed.ok) return;
    expect(fixed.definition.controller.businessId).toBeUndefined();
    expect(fixed.definition.controller.email).toBe('(s-postiosoite)');
    expect(fixed.definition.purposes.map((p) => p.id)).toEqual(['crm']);
  });

  it('R1.4 reports an unknown key at its own line and column', () => {
    const r = loadDefinition(base.replace('    basis: contract\n', '    basis: contract\n    bogus: 1\n'));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems).toEqual([
      expect.objectContaining({
        line: 21,
        column: 5,
        message: expect.stringContaining('unknown key "bogus"'),
      }),
    ]);
  });

  it('R1.4 reports broken YAML with its position', () => {
    const r = loadDefinition('lupaus: 1\nid: [unclosed\n');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems[0]?.message).toMatch(/^YAML: /);
    expect(r.problems[0]?.line).toBeGreaterThanOrEqual(2);
  });
});
