// Where log lines go by default: standard output, written synchronously, in one write per turn of the event loop.
// pino's default destination sends every line through libuv's thread pool (a hop to another thread and back), and a
// write per line is a system call per request; under load that was a measurable share of a small request's cost.
// Lines gathered during a turn are written at its end (setImmediate), so nothing waits longer than the turn that
// logged it, and whatever is still gathered when the process exits is written then.
import { writeSync } from 'node:fs';

/** Above this many characters gathered, the lines are written at once instead of at the end of the turn. */
const MAX_GATHERED = 64 * 1024;
/** How long to wait, in ms, when a non-blocking descriptor is full, before trying again. */
const FULL_WAIT_MS = 1;

export class BatchedLineWriter {
  readonly #fd: number;
  #gathered = '';
  #scheduled = false;
  /** Set when standard output can no longer be written (its reader went away): logging stops. */
  #closed = false;
  readonly #flush = () => this.flush();

  constructor(fd: number) {
    this.#fd = fd;
  }

  write(line: string): void {
    if (this.#closed) return;
    this.#gathered += line;
    if (this.#gathered.length >= MAX_GATHERED) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flush);
    }
  }

  /** Writes what was gathered, synchronously. */
  flush(): void {
    this.#scheduled = false;
    if (this.#gathered === '' || this.#closed) return;
    const bytes = Buffer.from(this.#gathered, 'utf8');
    this.#gathered = '';
    let offset = 0;
    while (offset < bytes.length) {
      try {
        offset += writeSync(this.#fd, bytes, offset);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, FULL_WAIT_MS);
          continue;
        }
        // The reader went away (EPIPE) or the descriptor is unusable: a log line cannot report it, and failing
        // here would fail the requests that log, so logging stops.
        this.#closed = true;
        return;
      }
    }
  }
}

let stdout: BatchedLineWriter | undefined;

/** The process's one writer of standard output (every server built in the process shares it). */
export function stdoutLineWriter(): BatchedLineWriter {
  if (!stdout) {
    const writer = new BatchedLineWriter(1);
    process.once('exit', () => writer.flush());
    stdout = writer;
  }
  return stdout;
}
