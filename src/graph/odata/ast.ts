// The OData query AST shared by the parser (graph/odata) and the SQL compiler (store).
// Positions are 0-based character offsets into the original option text, kept for error messages.

export type Literal =
  | { kind: 'null'; pos: number }
  | { kind: 'boolean'; value: boolean; pos: number }
  | { kind: 'number'; value: number; raw: string; pos: number }
  | { kind: 'string'; value: string; pos: number }
  /** A DateTimeOffset literal such as 2023-09-25T09:25:00Z; `epochMs` is its instant, `raw` the text. */
  | { kind: 'dateTimeOffset'; epochMs: number; raw: string; pos: number }
  /** A date literal such as 2023-09-25. */
  | { kind: 'date'; raw: string; pos: number }
  | { kind: 'guid'; value: string; pos: number }
  /** A duration literal: duration'PT1S'. */
  | { kind: 'duration'; raw: string; pos: number };

export type ComparisonOperator = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

export type Expression =
  | Literal
  /** A property path such as `startDateTime` or `p/id` (segments split on '/'). */
  | { kind: 'path'; segments: string[]; pos: number }
  | { kind: 'compare'; op: ComparisonOperator; left: Expression; right: Expression; pos: number }
  | { kind: 'and' | 'or'; left: Expression; right: Expression; pos: number }
  | { kind: 'not'; operand: Expression; pos: number }
  | { kind: 'in'; left: Expression; values: Expression[]; pos: number }
  /** `collection/any(v:predicate)` and `collection/all(v:predicate)`; `any()` without a predicate has none. */
  | {
      kind: 'lambda';
      op: 'any' | 'all';
      collection: string[];
      variable?: string;
      predicate?: Expression;
      pos: number;
    }
  /** A function call such as startswith(a,'b'), contains(...), tolower(...). */
  | { kind: 'call'; name: string; args: Expression[]; pos: number };

export interface SelectItem {
  /** Property path, e.g. ['id'] or ['organizer', 'user'] (segments split on '/'). `*` is ['*']. */
  path: string[];
  pos: number;
}

export interface ExpandItem {
  /** Navigation property path; `*` is ['*']. */
  path: string[];
  /** Nested options inside parentheses, e.g. sessions($expand=segments;$select=id). */
  options: QueryOptions;
  pos: number;
}

export interface OrderByItem {
  expression: Expression;
  direction: 'asc' | 'desc';
}

/** The parsed system query options of one request (or one nested $expand level). */
export interface QueryOptions {
  filter?: Expression;
  select?: SelectItem[];
  expand?: ExpandItem[];
  orderby?: OrderByItem[];
  top?: number;
  skip?: number;
  count?: boolean;
  search?: string;
  skiptoken?: string;
}
