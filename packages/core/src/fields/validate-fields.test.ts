import { describe, expect, it } from 'vitest';
import { buildCatalogue } from '../catalogue/catalogue';
import { loadExample } from '../notice/testing';
import { isIsoDate, isIsoDateTime, validateFields } from './validate-fields';

const catalogue = buildCatalogue(loadExample('003-auntie'));

describe('validateFields (003-auntie)', () => {
  it('R2.1 normalises declared fields by their type', () => {
    const r = validateFields(catalogue, 'person', {
      first_name: '  Maija ',
      phone: '040 123 4567',
      email: 'Maija@Example.FI',
      hetu: '010594y9021',
      household_size: 3,
      address: { street: 'Aurakatu 1', postalCode: '20100', city: 'Turku' },
    });
    expect(r.problems).toEqual([]);
    expect(r.values).toEqual({
      first_name: 'Maija',
      phone: ['+358401234567'],
      email: ['Maija@example.fi'],
      hetu: '010594Y9021',
      household_size: 3,
      address: [{ street: 'Aurakatu 1', postalCode: '20100', city: 'Turku', country: 'FI' }],
    });
  });

  it('R1.5 refuses a field the definition does not declare for the holder, naming it', () => {
    const r = validateFields(catalogue, 'person', { first_name: 'A', shoe_size: 43 });
    expect(r.undeclared).toEqual(['shoe_size']);
    expect(r.problems).toMatchObject([
      {
        at: 'fields.shoe_size',
        message: expect.stringContaining('does not declare the field "shoe_size" for person'),
      },
    ]);
    expect(r.values).toEqual({ first_name: 'A' });
  });

  it('R2.1 a control character in any text is refused with its position, never passed to storage', () => {
    const r = validateFields(catalogue, 'person', {
      first_name: 'Ma\u0000ija',
      address: { street: 'Katu\u00071', city: 'Turku' },
      interests: ['sauna', 'hii\u001bhto'],
      last_name: 'Rivi\tja\nrivi',
    });
    expect(r.problems).toMatchObject([
      { at: 'fields.first_name', message: expect.stringContaining('U+0000 at position 3') },
      { at: 'fields.address.street', message: expect.stringContaining('U+0007 at position 5') },
      { at: 'fields.interests[1]', message: expect.stringContaining('U+001B at position 4') },
    ]);
    expect(r.values).toEqual({ last_name: 'Rivi\tja\nrivi' });
  });

  it('R2.1 fields that are not an object are one clear problem', () => {
    for (const bad of [null, [], 'Maija', 3]) {
      const r = validateFields(catalogue, 'person', bad as never);
      expect(r.problems).toMatchObject([
        { at: 'fields', message: 'fields must be an object of field names and values' },
      ]);
    }
  });

  it('R2.1 wrong types, unknown enum values and impossible dates name the field', () => {
    const r = validateFields(catalogue, 'person', { household_size: 2.5, first_name: 7, interests: 'sauna' });
    expect(r.problems.map((p) => p.at)).toEqual([
      'fields.household_size',
      'fields.first_name',
      'fields.interests',
    ]);
  });

  it('R2.1 required fields are demanded on creation and cannot be removed', () => {
    const required = catalogue.fieldsOf('person').filter((f) => f.required);
    expect(required.length).toBeGreaterThan(0);
    const created = validateFields(catalogue, 'person', {}, { requireRequired: true });
    expect(created.problems.map((p) => p.at).sort()).toEqual(required.map((f) => `fields.${f.id}`).sort());
    const removed = validateFields(catalogue, 'person', { [required[0]!.id]: null });
    expect(removed.problems[0]?.message).toContain('cannot be removed');
  });
});

describe('dates and times of the calendar (R1.5)', () => {
  it('R1.5 isIsoDate and isIsoDateTime accept real days and refuse days the calendar has not', () => {
    expect(isIsoDate('2028-02-29')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDateTime('2028-02-29T12:00:00Z')).toBe(true);
    expect(isIsoDateTime('2026-03-01T12:00+02:00')).toBe(true);
    expect(isIsoDateTime('2026-04-30T23:59:59.123456Z')).toBe(true);
    // Date.parse reads these as 2 March and 1 May; a register must refuse them.
    expect(isIsoDateTime('2026-02-30T12:00:00Z')).toBe(false);
    expect(isIsoDateTime('2026-04-31T00:00Z')).toBe(false);
    expect(isIsoDateTime('2026-13-01T00:00Z')).toBe(false);
    expect(isIsoDateTime('2026-03-01')).toBe(false);
    expect(isIsoDateTime('2026-03-01T25:00Z')).toBe(false);
  });
});
