import { hetuCheckCharacter } from '@lupaus/core';
import type { Actor, Register } from '@lupaus/engine';
import { openTestRegister, TEST_ADMIN } from '@lupaus/engine/testing';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from './app';

/**
 * A test app over a fresh in-memory register (PGlite, or the PostgreSQL server of LUPAUS_TEST_DATABASE_URL).
 * Not exported from the package index.
 */
export interface TestApp {
  app: FastifyInstance;
  register: Register;
  close(): Promise<void>;
}

/** A test app whose every request acts as `actor` (an administrator unless told), without signing in. */
export async function testApp(example = '003-auntie', actor: Actor = TEST_ADMIN): Promise<TestApp> {
  const register = await openTestRegister(example);
  const app = await buildApp({ register, actor });
  return {
    app,
    register,
    close: async () => {
      await app.close();
      await register.close();
    },
  };
}

/** A valid temporary (test-range, 900–999) hetu for a birth date `DDMMYY` and century sign. */
export function testHetu(ddmmyy: string, sign: string, individual: number): string {
  const nnn = String(individual).padStart(3, '0');
  return `${ddmmyy}${sign}${nnn}${hetuCheckCharacter(`${ddmmyy}${nnn}`)}`;
}

/** The `{ error }` body of a failed response. */
export function errorOf(res: LightMyRequestResponse): {
  code: string;
  message: string;
  problems: { at: string; message: string; code?: string }[];
} {
  return (
    res.json() as { error: { code: string; message: string; problems: { at: string; message: string }[] } }
  ).error;
}
