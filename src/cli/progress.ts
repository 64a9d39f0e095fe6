// Progress for long work: a bar with rate and ETA on a terminal, a plain line every few seconds otherwise.
export interface Progress {
  /** `total` replaces the expected total when the work learns it better as it goes. */
  update(done: number, total?: number): void;
  finish(): void;
}

export function progress(
  label: string,
  expected: number | undefined,
  stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
): Progress {
  let total = expected;
  const started = performance.now();
  let last = 0;
  let lastDone = 0;
  const tty = stream.isTTY === true;
  const line = (done: number) => {
    const secs = (performance.now() - started) / 1000;
    const rate = secs > 0 ? done / secs : 0;
    const all = total !== undefined && total > 0 ? Math.max(total, done) : undefined;
    const pct = all !== undefined ? done / all : undefined;
    const eta = all !== undefined && rate > 0 ? (all - done) / rate : undefined;
    const parts = [
      label,
      `${done.toLocaleString('en-US')}${all !== undefined ? ` / ~${all.toLocaleString('en-US')}` : ''}`,
      `${Math.round(rate).toLocaleString('en-US')}/s`,
      ...(eta === undefined ? [] : [`ETA ${Math.ceil(eta)}s`]),
    ];
    if (tty && pct !== undefined) {
      const width = 24;
      const fill = Math.round(pct * width);
      return `[${'#'.repeat(fill)}${'-'.repeat(width - fill)}] ${Math.round(pct * 100)}% ${parts.join('  ')}`;
    }
    return parts.join('  ');
  };
  return {
    update(done, newTotal) {
      if (newTotal !== undefined) total = newTotal;
      lastDone = done;
      const now = performance.now();
      if (now - last < (tty ? 100 : 2000)) return;
      last = now;
      stream.write(tty ? `\r${line(done)}\u001b[K` : `${line(done)}\n`);
    },
    finish() {
      stream.write(tty ? `\r${line(lastDone)}\u001b[K\n` : `${line(lastDone)}\n`);
    },
  };
}
