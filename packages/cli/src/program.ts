import { Command } from 'commander';
import { accessCommand } from './commands/access';
import { auditCommand } from './commands/audit';
import { backupCommands } from './commands/backup';
import { breachCommand } from './commands/breach';
import { checkCommand } from './commands/check';
import { consentCommand, suppressCommand } from './commands/consent';
import { noticeCommand, ropaCommand } from './commands/document';
import { duplicatesCommand } from './commands/duplicates';
import { eraseCommands } from './commands/erase';
import { exportCommand } from './commands/export';
import { holdCommand } from './commands/hold';
import { importCommand } from './commands/import';
import { initCommand } from './commands/init';
import { personCommand } from './commands/person';
import { requestCommand } from './commands/request';
import { retentionCommand } from './commands/retention';
import { rightsCommands } from './commands/rights';
import { schemaCommand } from './commands/schema';
import { serveCommand } from './commands/serve';
import { updateServiceCommand } from './commands/update-service';
import { tokenCommand, userCommand } from './commands/user';
import { reportError } from './context';

/**
 * `lupaus`: the command-line tool of a Lupaus register (R7.3). Exit codes: 0 done, 1 failed (the reason on
 * stderr, each problem on its own line, never a stack trace), 2 used wrong.
 */
export function buildProgram(): Command {
  const program = new Command('lupaus')
    .description('A customer register that keeps every promise of its own privacy notice.')
    .version('0.1.0', '-V, --version')
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  initCommand(program);
  serveCommand(program);
  checkCommand(program);
  noticeCommand(program);
  ropaCommand(program);
  schemaCommand(program);
  personCommand(program);
  duplicatesCommand(program);
  retentionCommand(program);
  holdCommand(program);
  requestCommand(program);
  accessCommand(program);
  auditCommand(program);
  rightsCommands(program);
  eraseCommands(program);
  consentCommand(program);
  suppressCommand(program);
  exportCommand(program);
  userCommand(program);
  tokenCommand(program);
  breachCommand(program);
  updateServiceCommand(program);
  importCommand(program);
  backupCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    return reportError(e);
  }
}
