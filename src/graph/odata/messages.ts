// Error constructors for the OData parser. Wording follows the Microsoft OData library (ODL) so clients that
// pattern-match Graph's messages keep working; every one is a GraphError 400 via badRequest.
import { badRequest } from '../../errors.js';
import type { GraphError } from '../../errors.js';

/** Longest option value we parse; longer input is rejected before lexing. */
export const MAX_TEXT_LENGTH = 8192;
/** Deepest nesting of parentheses, `not`, lambdas and $expand levels we accept. */
export const MAX_DEPTH = 100;

export function syntaxError(pos: number, text: string): GraphError {
  return badRequest(`Syntax error at position ${pos} in '${text}'.`);
}

export function invalidCharacter(char: string, pos: number, text: string): GraphError {
  return badRequest(`Syntax error: character '${char}' is not valid at position ${pos} in '${text}'.`);
}

export function unterminatedString(pos: number, text: string): GraphError {
  return badRequest(`There is an unterminated string literal at position ${pos} in '${text}'.`);
}

export function unterminatedLiteral(pos: number, text: string): GraphError {
  return badRequest(`There is an unterminated literal at position ${pos} in '${text}'.`);
}

export function digitExpected(pos: number, text: string): GraphError {
  return badRequest(`A digit was expected at position ${pos} in '${text}'.`);
}

export function unrecognizedLiteral(type: string, literal: string, pos: number, text: string): GraphError {
  return badRequest(`Unrecognized '${type}' literal '${literal}' at '${pos}' in '${text}'.`);
}

export function expressionExpected(pos: number, text: string): GraphError {
  return badRequest(`Expression expected at position ${pos} in '${text}'.`);
}

export function identifierExpected(pos: number, text: string): GraphError {
  return badRequest(`An identifier was expected at position ${pos} in '${text}'.`);
}

export function tokenExpected(expected: string, pos: number, text: string): GraphError {
  return badRequest(`${expected} expected at position ${pos} in '${text}'.`);
}

export function rangeVariableRedeclared(name: string): GraphError {
  return badRequest(`The range variable '${name}' has already been declared.`);
}

export function termNotValid(term: string, clause: '$select' | '$expand'): GraphError {
  return badRequest(`Term '${term}' is not valid in a ${clause} expression.`);
}

export function tooDeep(): GraphError {
  return badRequest('Recursion depth exceeded allowed limit.');
}

export function tooLong(length: number): GraphError {
  return badRequest(
    `The query option value is ${length} characters long; at most ${MAX_TEXT_LENGTH} characters are allowed.`,
  );
}

export function unsupportedOption(name: string): GraphError {
  return badRequest(`The query parameter '${name}' is not supported.`);
}

export function duplicateOption(name: string): GraphError {
  return badRequest(
    `Query option '${name}' was specified more than once, but it must be specified at most once.`,
  );
}

export function duplicateParameter(name: string): GraphError {
  return badRequest(`The parameter '${name}' was specified more than once.`);
}
