import { definitionJsonSchemaText } from '@lupaus/core';
import type { Command } from 'commander';

/** `lupaus schema`: prints the JSON Schema of a register definition, for editors (R1.1). */
export function schemaCommand(program: Command): void {
  program
    .command('schema')
    .description('print the JSON Schema of a register definition')
    .action(() => {
      const text = definitionJsonSchemaText();
      process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    });
}
