// A cursor over the tokens of one option text, shared by the expression and $select/$expand parsers.
import type { GraphError } from '../../errors.js';
import { tokenize } from './lexer.js';
import type { Token, TokenKind } from './lexer.js';
import { MAX_DEPTH, syntaxError, tokenExpected, tooDeep } from './messages.js';

export class TokenStream {
  readonly text: string;
  /** Lambda range variables in scope, innermost last. */
  readonly rangeVariables: string[] = [];
  private readonly tokens: Token[];
  private readonly endToken: Token;
  private index = 0;
  private depth = 0;

  constructor(text: string) {
    this.text = text;
    this.tokens = tokenize(text);
    this.endToken = this.tokens[this.tokens.length - 1] ?? {
      kind: 'end',
      text: '',
      value: '',
      pos: 0,
      end: 0,
    };
  }

  get current(): Token {
    return this.tokens[this.index] ?? this.endToken;
  }

  peek(): Token {
    return this.tokens[this.index + 1] ?? this.endToken;
  }

  /** Returns the current token and moves past it (never past `end`). */
  next(): Token {
    const tok = this.current;
    if (tok.kind !== 'end') this.index++;
    return tok;
  }

  at(kind: TokenKind, value?: string): boolean {
    const tok = this.current;
    return tok.kind === kind && (value === undefined || tok.value === value);
  }

  accept(kind: TokenKind, value?: string): Token | undefined {
    return this.at(kind, value) ? this.next() : undefined;
  }

  /** Consumes a token of `kind` or fails with "<description> expected at position N". */
  expect(kind: TokenKind, description: string): Token {
    if (!this.at(kind)) throw tokenExpected(description, this.current.pos, this.text);
    return this.next();
  }

  /** Guards every recursive descent so hostile nesting ends in a 400 instead of a stack overflow. */
  enter(): void {
    this.depth++;
    if (this.depth > MAX_DEPTH) throw tooDeep();
  }

  leave(): void {
    this.depth--;
  }

  /** ODL reports a syntax error at the end of the offending token (its lexer's position), so we do too. */
  syntaxError(tok: Token = this.current): GraphError {
    return syntaxError(tok.end, this.text);
  }

  /** Fails unless every token has been consumed. */
  expectEnd(): void {
    if (!this.at('end')) throw this.syntaxError();
  }

  /**
   * Skips tokens up to (not including) the next `;` or `)` outside parentheses, returning the source text
   * skipped, trimmed. Used for option values that are not expressions ($top, $search...).
   */
  skipOptionValue(): string {
    const start = this.current.pos;
    let nesting = 0;
    for (;;) {
      const tok = this.current;
      if (tok.kind === 'end' || (nesting === 0 && (tok.kind === ';' || tok.kind === ')'))) break;
      if (tok.kind === '(') nesting++;
      if (tok.kind === ')') nesting--;
      this.next();
    }
    return this.text.slice(start, this.current.pos).trim();
  }
}
