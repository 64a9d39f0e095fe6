#!/usr/bin/env node
// The callrecords CLI. Each command is a thin layer over the same config, store and app as the server.
import { runCli } from './program.js';

const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, exitCode: 0 };
process.exitCode = await runCli(process.argv.slice(2), io);
