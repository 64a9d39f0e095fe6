// Shared assertions for the OData parser tests.
import assert from 'node:assert/strict';
import { GraphError } from '../../../src/errors.js';

/** Asserts `fn` throws a 400 BadRequest GraphError, optionally with an exact message or a matching one. */
export function assertBadRequest(fn: () => unknown, message?: string | RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof GraphError, `expected a GraphError, got ${String(err)}`);
    assert.equal(err.status, 400);
    assert.equal(err.code, 'BadRequest');
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message, message);
    return true;
  });
}

/** Returns true if `fn` returns, false if it throws a 400 GraphError; rethrows anything else. */
export function parsesOrRejects(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (err) {
    if (err instanceof GraphError && err.status === 400 && err.code === 'BadRequest') return false;
    throw err;
  }
}

/** A deep copy without `pos` fields, so ASTs can be compared structurally. */
export function stripPos(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripPos);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (key !== 'pos') out[key] = stripPos(inner);
    }
    return out;
  }
  return value;
}
