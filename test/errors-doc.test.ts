// Every error the server can send is documented: each catalog entry has a row in the table of docs/errors.md, and
// every row of that table names an entry that exists, with the same status and code.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CATALOG, type CatalogEntry } from '../src/errors.js';

const PAGE = new URL('../docs/errors.md', import.meta.url);
const HEADER = /^\|\s*status\s*\|\s*code\s*\|\s*when\s*\|\s*catalog key\s*\|$/m;

interface Row {
  status: number;
  code: string;
  key: string;
  line: string;
}

/** The rows of the page's error table: the lines after its header and separator, up to the first non-table line. */
function tableRows(): Row[] {
  assert.ok(existsSync(PAGE), 'docs/errors.md exists');
  const page = readFileSync(PAGE, 'utf8');
  const header = page.search(HEADER);
  assert.notEqual(header, -1, 'docs/errors.md has the table "| status | code | when | catalog key |"');
  const rows: Row[] = [];
  for (const line of page.slice(header).split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    // The "when" column may hold anything; status, code and key are the first two cells and the last.
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
    const code = /^`(\w+)`$/.exec(cells[1] ?? '')?.[1];
    const key = /^`(\w+)`$/.exec(cells.at(-1) ?? '')?.[1];
    assert.ok(code && key && /^\d{3}$/.test(cells[0] ?? ''), `malformed row in docs/errors.md: ${line}`);
    rows.push({ status: Number(cells[0]), code, key, line });
  }
  assert.ok(rows.length > 0, 'the error table of docs/errors.md has rows');
  return rows;
}

test('every catalog error has a row in the table of docs/errors.md', () => {
  const rows = tableRows();
  for (const [key, entry] of Object.entries(ERROR_CATALOG) as [string, CatalogEntry][]) {
    const row = rows.find((r) => r.key === key);
    assert.ok(row, `docs/errors.md lacks a row for ${key} (${entry.status} ${entry.code})`);
    assert.deepEqual(
      { status: row.status, code: row.code },
      { status: entry.status, code: entry.code },
      `docs/errors.md row for ${key}`,
    );
  }
});

test('every row of the table of docs/errors.md names a catalog error, once', () => {
  const seen = new Set<string>();
  for (const row of tableRows()) {
    assert.ok(Object.hasOwn(ERROR_CATALOG, row.key), `docs/errors.md documents an unknown key: ${row.line}`);
    assert.ok(!seen.has(row.key), `docs/errors.md documents ${row.key} twice`);
    seen.add(row.key);
  }
});
