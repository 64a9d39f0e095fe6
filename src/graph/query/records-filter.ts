// Validates a $filter on the call record list against what Graph supports there, and turns it into the store's
// RecordQuery: a conjunction of startDateTime comparisons (lt, le, gt, ge) and at most one
// participants_v2/any(p:p/id eq '…').
import { badRequest } from '../../errors.js';
import type { Expression } from '../odata/ast.js';

export interface RecordFilter {
  startAfter?: { ms: number; inclusive: boolean };
  startBefore?: { ms: number; inclusive: boolean };
  participantId?: string;
}

const unsupported = (what: string) =>
  badRequest(
    `Invalid filter clause: ${what}. Supported filters on callRecords are startDateTime with lt, le, gt or ge ` +
      `(combined with 'and'), and participants_v2/any(p:p/id eq '{id}').`,
  );

function conjuncts(e: Expression): Expression[] {
  return e.kind === 'and' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

const FLIP = { lt: 'gt', le: 'ge', gt: 'lt', ge: 'le', eq: 'eq', ne: 'ne' } as const;

function isPath(e: Expression, name: string): boolean {
  return e.kind === 'path' && e.segments.length === 1 && e.segments[0]!.toLowerCase() === name.toLowerCase();
}

export function recordFilter(expr: Expression): RecordFilter {
  const out: RecordFilter = {};
  for (const c of conjuncts(expr)) {
    if (c.kind === 'compare') {
      let { op, left, right } = c;
      if (!isPath(left, 'startDateTime') && isPath(right, 'startDateTime')) {
        [left, right] = [right, left];
        op = FLIP[op];
      }
      if (!isPath(left, 'startDateTime')) throw unsupported(`comparison on an unsupported property`);
      if (right.kind !== 'dateTimeOffset') {
        throw badRequest(
          `The operand of a comparison with startDateTime must be a DateTimeOffset literal such as 2023-09-25T09:25:00Z.`,
        );
      }
      if (op === 'eq' || op === 'ne') throw unsupported(`operator '${op}' on startDateTime`);
      const bound = { ms: right.epochMs, inclusive: op === 'ge' || op === 'le' };
      if (op === 'gt' || op === 'ge') {
        if (
          !out.startAfter ||
          bound.ms > out.startAfter.ms ||
          (bound.ms === out.startAfter.ms && !bound.inclusive)
        ) {
          out.startAfter = bound;
        }
      } else if (
        !out.startBefore ||
        bound.ms < out.startBefore.ms ||
        (bound.ms === out.startBefore.ms && !bound.inclusive)
      ) {
        out.startBefore = bound;
      }
      continue;
    }
    if (c.kind === 'lambda') {
      out.participantId = participantOf(c, out.participantId);
      continue;
    }
    throw unsupported(
      c.kind === 'or' ? `'or' is not supported` : `'${c.kind}' expressions are not supported`,
    );
  }
  return out;
}

function participantOf(c: Extract<Expression, { kind: 'lambda' }>, previous: string | undefined): string {
  const coll = c.collection.join('/').toLowerCase();
  if (c.op !== 'any' || coll !== 'participants_v2' || !c.variable || !c.predicate) {
    throw unsupported(`only participants_v2/any(p:p/id eq '{id}') is supported as a lambda`);
  }
  const p = c.predicate;
  const v = c.variable;
  const isVarId = (e: Expression) =>
    e.kind === 'path' &&
    e.segments.length === 2 &&
    e.segments[0] === v &&
    e.segments[1]!.toLowerCase() === 'id';
  if (p.kind !== 'compare' || p.op !== 'eq') throw unsupported(`the lambda must compare ${v}/id with 'eq'`);
  const lit = isVarId(p.left) ? p.right : isVarId(p.right) ? p.left : undefined;
  if (!lit || (lit.kind !== 'string' && lit.kind !== 'guid')) {
    throw unsupported(`the lambda must compare ${v}/id with a string literal`);
  }
  const id = lit.value;
  if (previous !== undefined && previous !== id) {
    throw unsupported(`more than one participant filter`);
  }
  return id;
}
