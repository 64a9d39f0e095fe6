// Read queries built and compiled once per shape. Building a Kysely query and compiling it to SQL cost about as much
// as running a small one in SQLite, and the hot reads (a record, a page of records or log rows) have few shapes:
// the SQL is still Kysely's, for whichever dialect the store runs on; only the bound values change per call.
import type { Compilable, CompiledQuery, Kysely } from 'kysely';

/** A placeholder value: where Kysely binds it tells which argument goes to which parameter. */
class Slot {
  constructor(readonly index: number) {}
}

interface Prepared {
  compiled: CompiledQuery;
  /** Per bound parameter: the index of the argument, or a value Kysely bound itself. */
  order: (number | { value: unknown })[];
}

export class PreparedQueries<DB> {
  readonly #db: Kysely<DB>;
  readonly #byShape = new Map<string, Prepared>();

  constructor(db: Kysely<DB>) {
    this.#db = db;
  }

  /**
   * Runs the query of `shape` with `args`. The first call of a shape builds it with `build`, which must put
   * `arg(i)` where `args[i]` goes and must build the same SQL for every call of that shape.
   */
  async rows<R>(
    shape: string,
    args: readonly unknown[],
    build: (arg: (index: number) => never) => Compilable<R>,
  ): Promise<R[]> {
    let prepared = this.#byShape.get(shape);
    if (!prepared) {
      const compiled = build((index) => new Slot(index) as never).compile();
      prepared = {
        compiled,
        order: compiled.parameters.map((v) => (v instanceof Slot ? v.index : { value: v })),
      };
      this.#byShape.set(shape, prepared);
    }
    const parameters = prepared.order.map((o) => (typeof o === 'number' ? args[o] : o.value));
    const result = await this.#db.executeQuery<R>({ ...(prepared.compiled as CompiledQuery<R>), parameters });
    return result.rows;
  }
}
