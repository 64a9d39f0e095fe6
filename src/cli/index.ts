#!/usr/bin/env node
// The callrecords CLI. Each command is a thin layer over the same config, store and app as the server.
import { markPhase } from '../startup.js';

// Node's own start, then the loading of the CLI's modules, are the first phases of a server's start-up.
markPhase('node');
const { runCli } = await import('./program.js');
markPhase('cli modules');
const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, exitCode: 0 };
process.exitCode = await runCli(process.argv.slice(2), io);
