import { describe, expect, it } from 'vitest';
import { choiceAllows, withoutConsent } from './consent-policy';

/** The consent step of the marketing gate as a rule (R3.1, R3.2), which the gate's SQL and the public page share. */
describe('who marketing reaches by their choice alone (R3.1, R3.2)', () => {
  it('R3.2 without a consent record: nobody for opt-in, everyone by post, business contacts only electronically', () => {
    expect(withoutConsent('opt_in', false)).toBe('nobody');
    expect(withoutConsent('opt_in', true)).toBe('nobody');
    expect(withoutConsent('opt_out', false)).toBe('everyone');
    expect(withoutConsent('opt_out', true)).toBe('business');
  });

  it('R3.1 a consent given allows, a withdrawal or prohibition never does, no choice follows the rule above', () => {
    const email = { model: 'opt_out', electronic: true } as const;
    const post = { model: 'opt_out', electronic: false } as const;
    expect(choiceAllows({ ...email, state: 'given' }, false)).toBe(true);
    expect(choiceAllows({ ...email, state: 'none' }, false)).toBe(false);
    expect(choiceAllows({ ...email, state: 'none' }, true)).toBe(true);
    expect(choiceAllows({ ...post, state: 'none' }, false)).toBe(true);
    expect(choiceAllows({ ...post, state: 'withdrawn' }, true)).toBe(false);
    expect(choiceAllows({ ...post, state: 'prohibited' }, true)).toBe(false);
    expect(choiceAllows({ model: 'opt_in', electronic: false, state: 'none' }, true)).toBe(false);
  });
});
