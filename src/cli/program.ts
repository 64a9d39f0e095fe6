// The callrecords CLI as a function: the commands over the streams they are given, returning the exit code. The
// bin (index.ts) runs it on the process's streams; tests run it in-process on buffers.
import { Command, CommanderError } from 'commander';
import { appCommands } from './app.js';
import { clockCommand } from './clock.js';
import type { CliIo } from './common.js';
import { faultsCommands } from './faults.js';
import { generateCommand } from './generate.js';
import { transferCommands } from './transfer.js';
import { keysCommands } from './keys.js';
import { mirrorCommands } from './mirror.js';
import { serveCommand } from './serve.js';
import { subscriptionCommands } from './subscription.js';
import { tenantCommands } from './tenant.js';
import { tokenCommand } from './token.js';

function buildProgram(io: CliIo): Command {
  const program = new Command();
  program
    .name('callrecords')
    .description('A self-hostable Microsoft Graph call records API')
    .version('0.1.0')
    .showHelpAfterError()
    // Help, usage errors and the like are written to the given streams and end the run, not the process.
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride();

  serveCommand(program);
  tenantCommands(program, io);
  appCommands(program, io);
  keysCommands(program, io);
  tokenCommand(program, io);
  generateCommand(program, io);
  transferCommands(program, io);
  clockCommand(program, io);
  subscriptionCommands(program, io);
  faultsCommands(program, io);
  mirrorCommands(program, io);
  return program;
}

/** Runs one command line (`args` without the node and script paths); resolves with the exit code. */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync(args, { from: 'user' });
  } catch (err) {
    // Commander has already written its message (or the help) for the exit it asks for.
    if (err instanceof CommanderError) return err.exitCode;
    io.stderr.write(`callrecords: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  return io.exitCode;
}
