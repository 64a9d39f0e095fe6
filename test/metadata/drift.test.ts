// The committed extract in metadata/ must be exactly what metadata/extract.ts makes of the upstream Microsoft Graph
// metadata. The upstream copy sits beside the repository on maintainers' machines (../shared, or
// $CALLRECORDS_SHARED_DIR), never in a clone: without it the comparison is skipped and says why. This is the only
// test that reads it; everything else reads metadata/.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  committedFiles,
  extract,
  METADATA_DIR,
  stripCsdl,
  stripOpenApi,
  upstreamDir,
} from '../../metadata/extract.js';

/** Where two texts first differ, as `line N: <committed> / <fresh>` (a whole-file diff would drown the report). */
function firstDifference(committed: string, fresh: string): string {
  const a = committed.split('\n');
  const b = fresh.split('\n');
  const i = a.findIndex((line, n) => line !== b[n]);
  const at = i < 0 ? a.length : i;
  return `line ${at + 1}:\n  committed: ${a[at] ?? '<end of file>'}\n  fresh:     ${b[at] ?? '<end of file>'}`;
}

const upstream = upstreamDir();
// An explicitly configured copy that is missing is an error, not a reason to skip.
const skip =
  upstream.explicit || existsSync(path.join(upstream.dir, 'graph-metadata'))
    ? false
    : `no upstream metadata at ${upstream.dir}/graph-metadata (the ../shared folder beside the repository); ` +
      'set CALLRECORDS_SHARED_DIR to compare metadata/ with a copy elsewhere';

test('metadata/ equals a fresh extraction from ../shared/graph-metadata, byte for byte', { skip }, () => {
  const fresh = extract(upstream.dir);
  assert.deepEqual(
    committedFiles(),
    [...fresh.keys()].sort(),
    'metadata/ holds other files than the extraction',
  );
  for (const [file, text] of fresh) {
    const committed = readFileSync(path.join(METADATA_DIR, file));
    assert.ok(
      committed.equals(Buffer.from(text, 'utf8')),
      `metadata/${file} differs from a fresh extraction (run npm run metadata:extract), ` +
        firstDifference(committed.toString('utf8'), text),
    );
  }
});

test('the committed extract carries no description text', () => {
  const files = committedFiles();
  assert.ok(files.includes('callrecords-schema-beta.xml') && files.includes('callrecords-openapi-v1.0.json'));
  for (const file of files.filter((f) => !f.startsWith('examples/'))) {
    const text = readFileSync(path.join(METADATA_DIR, file), 'utf8');
    // The extraction is idempotent, so a description added by hand (or a file not made by it) shows up here.
    const again = file.endsWith('.xml') ? stripCsdl(text, file) : stripOpenApi(text);
    assert.ok(again === text, `metadata/${file} is not in extracted form, ${firstDifference(text, again)}`);
  }
});
