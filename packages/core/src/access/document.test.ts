import { describe, expect, it } from 'vitest';
import { formatDateTime, formatValue } from './document';

describe('the access report’s values (R4.2)', () => {
  it('R4.2 times are Finnish local time in the reader’s language; a date stays a date', () => {
    expect(formatDateTime('2026-03-02T09:00:00.000Z', 'fi')).toBe('2.3.2026 klo 11.00');
    expect(formatDateTime('2026-07-02T21:30:00Z', 'en')).toBe('3 July 2026 00:30');
    expect(formatDateTime('2026-01-15T00:00:00.000Z', 'fi')).toBe('15.1.2026');
    expect(formatDateTime('2026-01-15', 'en')).toBe('15 January 2026');
    expect(formatDateTime(null, 'fi')).toBe('–');
  });

  it('R4.2 lists, addresses, booleans and order lines are written out', () => {
    expect(formatValue(['a@example.com', 'b@example.com'], 'fi')).toBe('a@example.com; b@example.com');
    expect(
      formatValue([{ street: 'Kotikatu 1', postalCode: '00100', city: 'Helsinki', country: 'FI' }], 'fi'),
    ).toBe('Kotikatu 1, 00100 Helsinki');
    expect(formatValue(true, 'fi')).toBe('kyllä');
    expect(formatValue([{ product: 'Sauna', quantity: 1, unitPrice: 10 }], 'en')).toBe(
      'product: Sauna, quantity: 1, unitPrice: 10',
    );
  });
});
