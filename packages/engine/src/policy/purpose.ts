import { LupausError } from '@lupaus/core';
import type { Register } from '../context';

/**
 * The purpose a read or write is done for: a purpose the definition declares (R1.5), or by default its first
 * purpose. Every audit row carries it.
 */
export function resolvePurpose(reg: Register, purpose: string | undefined): string {
  if (purpose === undefined) {
    const first = reg.definition.purposes[0];
    if (!first)
      throw new LupausError('PURPOSE_NOT_DECLARED', {}, [
        { at: 'purpose', message: 'the definition declares no purpose' },
      ]);
    return first.id;
  }
  if (!reg.definition.purposes.some((p) => p.id === purpose)) {
    throw new LupausError('PURPOSE_NOT_DECLARED', { purpose }, [
      {
        at: 'purpose',
        message: `"${purpose}" is not a purpose of this register; declared: ${reg.definition.purposes.map((p) => p.id).join(', ')}`,
      },
    ]);
  }
  return purpose;
}

/** A source of data the definition declares (R1.5, R2.6). */
export function requireSource(reg: Register, source: string): string {
  if (!reg.catalogue.sourceIds.has(source)) {
    throw new LupausError('SOURCE_NOT_DECLARED', { source }, [
      {
        at: 'source',
        message: `"${source}" is not a source of this register; declared: ${[...reg.catalogue.sourceIds].join(', ')}`,
      },
    ]);
  }
  return source;
}
