import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { definitionJsonSchema, definitionJsonSchemaText, JSON_SCHEMA_TITLE } from './json-schema';

const COMMITTED = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../schema/register.schema.json');

type Node = { properties?: Record<string, Node>; required?: string[]; [key: string]: unknown };

describe('definitionJsonSchema', () => {
  it('R1.1 the committed schema/register.schema.json is what the code emits (run emit-json-schema.ts after a change)', () => {
    expect(readFileSync(COMMITTED, 'utf8')).toBe(definitionJsonSchemaText());
  });

  it('R1.1 is a JSON Schema with a title and a description, pretty-printed with a trailing newline', () => {
    const schema = definitionJsonSchema();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toBe(JSON_SCHEMA_TITLE);
    expect(String(schema.description)).toContain('privacy notice');
    const text = definitionJsonSchemaText();
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n  "title": ');
  });

  it('R1.1 describes the controller with its business id, and the required top-level keys', () => {
    const schema = definitionJsonSchema() as Node;
    const controller = schema.properties?.controller;
    expect(controller?.properties?.businessId).toEqual({ type: 'string' });
    expect(controller?.properties?.kind).toMatchObject({
      enum: ['company', 'sole_trader', 'association', 'public_body'],
    });
    expect(controller?.required).toEqual(expect.arrayContaining(['kind', 'name']));
    expect(controller?.additionalProperties).toBe(false);
    expect(schema.required).toEqual(
      expect.arrayContaining(['lupaus', 'id', 'notice', 'controller', 'register']),
    );
  });

  it('R1.1 describes the input form: keys with defaults are optional', () => {
    const schema = definitionJsonSchema() as Node;
    // `purposes` and `languages` have defaults, so an editor must not demand them.
    expect(schema.required).not.toContain('purposes');
    expect(schema.required).not.toContain('languages');
    const purpose = (schema.properties?.purposes as { items?: Node } | undefined)?.items;
    expect(purpose?.properties?.basis).toMatchObject({
      enum: expect.arrayContaining(['legitimate_interest']),
    });
    expect(purpose?.required).toEqual(['id', 'name']);
  });
});
