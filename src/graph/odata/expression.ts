// Recursive-descent parser for OData boolean expressions ($filter, $orderby items, function arguments).
// Precedence, loosest first: or, and, comparison/in, not, primary — as in the Microsoft OData library.
import type { ComparisonOperator, Expression, OrderByItem } from './ast.js';
import type { Token } from './lexer.js';
import { literalFromToken } from './literals.js';
import { expressionExpected, identifierExpected, rangeVariableRedeclared } from './messages.js';
import type { TokenStream } from './stream.js';

const COMPARISON_OPERATORS: ReadonlySet<string> = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);
const CLOSE_OR_OPERATOR = "')' or operator";
const CLOSE_OR_COMMA = "')' or ','";

/** Parses one expression starting at the current token; stops at the first token that cannot continue it. */
export function parseExpression(s: TokenStream): Expression {
  s.enter();
  let left = parseAnd(s);
  for (let op = s.accept('keyword', 'or'); op; op = s.accept('keyword', 'or')) {
    left = { kind: 'or', left, right: parseAnd(s), pos: op.pos };
  }
  s.leave();
  return left;
}

function parseAnd(s: TokenStream): Expression {
  let left = parseComparison(s);
  for (let op = s.accept('keyword', 'and'); op; op = s.accept('keyword', 'and')) {
    left = { kind: 'and', left, right: parseComparison(s), pos: op.pos };
  }
  return left;
}

function parseComparison(s: TokenStream): Expression {
  let left = parseUnary(s);
  for (;;) {
    const op = s.current;
    if (op.kind !== 'keyword') return left;
    if (COMPARISON_OPERATORS.has(op.value)) {
      s.next();
      left = { kind: 'compare', op: op.value as ComparisonOperator, left, right: parseUnary(s), pos: op.pos };
    } else if (op.value === 'in') {
      s.next();
      left = { kind: 'in', left, values: parseInList(s), pos: op.pos };
    } else {
      return left;
    }
  }
}

function parseUnary(s: TokenStream): Expression {
  const not = s.accept('keyword', 'not');
  if (!not) return parsePrimary(s);
  s.enter();
  const operand = parseUnary(s);
  s.leave();
  return { kind: 'not', operand, pos: not.pos };
}

function parsePrimary(s: TokenStream): Expression {
  const tok = s.current;
  const literal = literalFromToken(tok, s.text);
  if (literal) {
    s.next();
    return literal;
  }
  if (tok.kind === '(') {
    s.next();
    const inner = parseExpression(s);
    s.expect(')', CLOSE_OR_OPERATOR);
    return inner;
  }
  if (tok.kind === 'identifier') return s.peek().kind === '(' ? parseCall(s) : parsePath(s);
  throw expressionExpected(tok.pos, s.text);
}

/** `(a, b, c)` after `in`; the list may not be empty. */
function parseInList(s: TokenStream): Expression[] {
  s.expect('(', "'('");
  const values: Expression[] = [];
  do {
    values.push(parseUnary(s));
  } while (s.accept(','));
  s.expect(')', CLOSE_OR_COMMA);
  return values;
}

function parseCall(s: TokenStream): Expression {
  const name = s.next();
  s.next(); // the '(' seen by parsePrimary
  const args: Expression[] = [];
  if (!s.accept(')')) {
    do {
      args.push(parseExpression(s));
    } while (s.accept(','));
    s.expect(')', CLOSE_OR_COMMA);
  }
  return { kind: 'call', name: name.value, args, pos: name.pos };
}

function parsePath(s: TokenStream): Expression {
  const first = s.next();
  const segments = [first.value];
  while (s.accept('/')) {
    const segment = s.current;
    if (segment.kind !== 'identifier') throw identifierExpected(segment.pos, s.text);
    if ((segment.value === 'any' || segment.value === 'all') && s.peek().kind === '(') {
      return parseLambda(s, segments, segment);
    }
    s.next();
    segments.push(segment.value);
  }
  return { kind: 'path', segments, pos: first.pos };
}

/** `any(v:predicate)`, `all(v:predicate)` or `any()`, the last segment of a path. */
function parseLambda(s: TokenStream, collection: string[], opToken: Token): Expression {
  const op = opToken.value as 'any' | 'all';
  s.next(); // any/all
  s.next(); // '('
  if (op === 'any' && s.accept(')')) return { kind: 'lambda', op, collection, pos: opToken.pos };
  const variable = s.current;
  if (variable.kind !== 'identifier' || variable.value.includes('.')) {
    throw identifierExpected(variable.pos, s.text);
  }
  s.next();
  s.expect(':', "':'");
  if (s.rangeVariables.includes(variable.value)) throw rangeVariableRedeclared(variable.value);
  s.rangeVariables.push(variable.value);
  const predicate = parseExpression(s);
  s.rangeVariables.pop();
  s.expect(')', CLOSE_OR_OPERATOR);
  return { kind: 'lambda', op, collection, variable: variable.value, predicate, pos: opToken.pos };
}

/** `expr [asc|desc] {, expr [asc|desc]}`. */
export function parseOrderByItems(s: TokenStream): OrderByItem[] {
  const items: OrderByItem[] = [];
  do {
    const expression = parseExpression(s);
    let direction: OrderByItem['direction'] = 'asc';
    if (s.accept('identifier', 'desc')) direction = 'desc';
    else s.accept('identifier', 'asc');
    items.push({ expression, direction });
  } while (s.accept(','));
  return items;
}
