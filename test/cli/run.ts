// Runs a CLI command line in this process, as the bin does but on buffers: what it printed and its exit code.
// Only process behaviour itself (the bin's exit status, signals) needs a child process.
import { Readable, Writable } from 'node:stream';
import { runCli } from '../../src/cli/program.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

export async function cli(...args: string[]): Promise<CliResult> {
  const stdout = sink();
  const stderr = sink();
  const io = { stdout: stdout.stream, stderr: stderr.stream, stdin: Readable.from([]), exitCode: 0 };
  const code = await runCli(args, io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
