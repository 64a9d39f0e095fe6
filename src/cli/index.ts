#!/usr/bin/env node
// The callrecords CLI. Each command is a thin layer over the same config, store and app as the server.
import { Command } from 'commander';
import { appCommands } from './app.js';
import { clockCommand } from './clock.js';
import { faultsCommands } from './faults.js';
import { generateCommand } from './generate.js';
import { transferCommands } from './transfer.js';
import { keysCommands } from './keys.js';
import { serveCommand } from './serve.js';
import { subscriptionCommands } from './subscription.js';
import { tenantCommands } from './tenant.js';
import { tokenCommand } from './token.js';

const program = new Command();
program
  .name('callrecords')
  .description('A self-hostable Microsoft Graph call records API')
  .version('0.1.0')
  .showHelpAfterError();

serveCommand(program);
tenantCommands(program);
appCommands(program);
keysCommands(program);
tokenCommand(program);
generateCommand(program);
transferCommands(program);
clockCommand(program);
subscriptionCommands(program);
faultsCommands(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`callrecords: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
