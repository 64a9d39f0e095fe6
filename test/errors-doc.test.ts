// Every error the server can send is documented: each catalog entry has a row in the README's error table.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ERROR_CATALOG } from '../src/errors.js';

test("every catalog error has a row in the README's error table", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Errors'));
  assert.ok(section.length > 0, 'README has an "## Errors" section');
  for (const [key, entry] of Object.entries(ERROR_CATALOG)) {
    const row = new RegExp(
      `^\\|\\s*${entry.status}\\s*\\|\\s*\`${entry.code}\`\\s*\\|.*\\|\\s*\`${key}\`\\s*\\|$`,
      'm',
    );
    assert.match(section, row, `README error table lacks ${key} (${entry.status} ${entry.code})`);
  }
});
