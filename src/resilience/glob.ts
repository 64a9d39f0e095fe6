// Route globs of fault rules (`*` within a path segment, `**` across segments, case-insensitive), matched by
// simulating the glob as a set of positions over the path: time is path length × glob length, whatever the glob.
// A backtracking regular expression took seconds for `**a**a**a…` on a path of a few hundred characters.

/** A glob longer than this is refused when the rule is created. */
export const MAX_GLOB_LENGTH = 512;

type Token = { kind: 'char'; char: string } | { kind: 'star' } | { kind: 'globstar' };

export class RouteGlob {
  readonly #tokens: Token[] = [];

  constructor(glob: string) {
    if (glob.length > MAX_GLOB_LENGTH) throw new Error(`longer than ${MAX_GLOB_LENGTH} characters`);
    for (let i = 0; i < glob.length; i++) {
      if (glob[i] !== '*') {
        this.#tokens.push({ kind: 'char', char: glob[i]!.toLowerCase() });
        continue;
      }
      let run = 1;
      while (glob[i + 1] === '*') {
        i++;
        run++;
      }
      // Two or more stars in a row match what `**` matches.
      this.#tokens.push({ kind: run >= 2 ? 'globstar' : 'star' });
    }
  }

  test(path: string): boolean {
    const n = this.#tokens.length;
    let states = new Uint8Array(n + 1);
    let next = new Uint8Array(n + 1);
    states[0] = 1;
    this.#close(states);
    for (const raw of path) {
      const c = raw.toLowerCase();
      next.fill(0);
      let any = false;
      for (let i = 0; i < n; i++) {
        if (!states[i]) continue;
        const t = this.#tokens[i]!;
        if (t.kind === 'char') {
          if (t.char === c) {
            next[i + 1] = 1;
            any = true;
          }
        } else if (t.kind === 'globstar' || c !== '/') {
          next[i] = 1;
          any = true;
        }
      }
      if (!any) return false;
      this.#close(next);
      [states, next] = [next, states];
    }
    return states[n] === 1;
  }

  /** A star matches the empty string too: a position before a star also stands after it. */
  #close(states: Uint8Array): void {
    for (let i = 0; i < this.#tokens.length; i++) {
      if (states[i] && this.#tokens[i]!.kind !== 'char') states[i + 1] = 1;
    }
  }
}
