// Dependencies point one way: the store knows Graph's model types and the OData AST, nothing else of graph/ (no
// shaping, no functions, no values at all), so a second backend or a new response shape never touches the other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const STORE = path.resolve('src/store');
const GRAPH = path.resolve('src/graph');
/** What the store may import from graph/, and only as types. */
const ALLOWED = [path.join(GRAPH, 'model') + path.sep, path.join(GRAPH, 'odata', 'ast.js')];

const IMPORT =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?'([^']+)'|import\(\s*'([^']+)'\s*\)/g;

/** Every relative module a file imports or re-exports, and whether it does so for types only. */
function importsOf(text: string): { specifier: string; typeOnly: boolean }[] {
  const out: { specifier: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const specifier = m[3] ?? m[4]!;
    out.push({ specifier, typeOnly: m[2] !== undefined });
  }
  return out;
}

test('src/store imports from graph/ only the model types and the OData AST', () => {
  const files = readdirSync(STORE, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  assert.ok(files.length > 10, 'the scan found the store');
  const offenders: string[] = [];
  for (const file of files) {
    const full = path.join(STORE, file);
    for (const { specifier, typeOnly } of importsOf(readFileSync(full, 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const target = path.resolve(path.dirname(full), specifier);
      if (!target.startsWith(GRAPH + path.sep)) continue;
      const allowed = typeOnly && ALLOWED.some((a) => target === a || target.startsWith(a));
      if (!allowed)
        offenders.push(
          `${path.join('src/store', file)}: ${typeOnly ? 'import type' : 'import'} '${specifier}'`,
        );
    }
  }
  assert.deepEqual(offenders, []);
});

test('the scan sees every import form', () => {
  const found = importsOf(
    [
      "import { a } from '../graph/shape/reshape.js';",
      "import type {\n  B,\n  C,\n} from '../graph/model/index.js';",
      "export { d } from '../graph/functions/catalog.js';",
      "import '../graph/side-effect.js';",
      "const e = await import('../graph/shape/log-json.js');",
    ].join('\n'),
  );
  assert.deepEqual(found, [
    { specifier: '../graph/shape/reshape.js', typeOnly: false },
    { specifier: '../graph/model/index.js', typeOnly: true },
    { specifier: '../graph/functions/catalog.js', typeOnly: false },
    { specifier: '../graph/side-effect.js', typeOnly: false },
    { specifier: '../graph/shape/log-json.js', typeOnly: false },
  ]);
});
