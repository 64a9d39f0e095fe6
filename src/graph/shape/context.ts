// @odata.context values and the resource paths they name, written once for every collection and entity.
import { quoteKey } from './links.js';

export const RECORDS_PATH = 'communications/callRecords';

/** `communications/callRecords('{id}')`. */
export function recordPath(recordId: string): string {
  return `${RECORDS_PATH}(${quoteKey(recordId)})`;
}

/** `…/sessions('{id}')/segments` of a record. */
export function segmentsPath(recordId: string, sessionId: string): string {
  return `${recordPath(recordId)}/sessions(${quoteKey(sessionId)})/segments`;
}

/**
 * `{metadata}{path}`, with the projection `(a,b,nav())` when properties were selected or navigation expanded,
 * and `/$entity` for a single entity.
 */
export function odataContext(
  metadata: string,
  path: string,
  o: { projection?: readonly string[] | undefined; entity?: boolean } = {},
): string {
  const projection = o.projection ? `(${o.projection.join(',')})` : '';
  return `${metadata}${path}${projection}${o.entity ? '/$entity' : ''}`;
}

/** The context of a function's result: `{metadata}Collection({type})`. */
export function collectionContext(metadata: string, typeName: string): string {
  return `${metadata}Collection(${typeName})`;
}
