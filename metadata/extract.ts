// Writes the files of this folder from a local copy of the upstream Microsoft Graph metadata (see README.md here):
// the call records CSDL and OpenAPI subsets and the golden response bodies, with every description text removed.
// Run `npm run metadata:extract`; the upstream copy is `$CALLRECORDS_SHARED_DIR`, else `../shared` beside the
// repository. Nothing else in the repository reads that copy; test/metadata/drift.test.ts runs `extract()` in
// memory to prove the files here are what this script makes of it.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const METADATA_DIR = path.dirname(fileURLToPath(import.meta.url));

/** Files of this folder that are not extracted. */
export const OWN_FILES: readonly string[] = ['README.md', 'extract.ts'];

const CSDL_FILES = [
  'callrecords-schema-v1.0.xml',
  'callrecords-schema-beta.xml',
  'callrecords-graph-types-v1.0.xml',
  'callrecords-annotations-v1.0.xml',
  'callrecords-annotations-beta.xml',
];
const OPENAPI_FILES = [
  'callrecords-openapi-v1.0.json',
  'callrecords-openapi-beta.json',
  'subscriptions-openapi-v1.0.json',
  'subscriptions-openapi-beta.json',
];

/** The upstream copy: `$CALLRECORDS_SHARED_DIR` when set (then it must exist), else `../shared` beside the repo. */
export function upstreamDir(): { dir: string; explicit: boolean } {
  const env = process.env.CALLRECORDS_SHARED_DIR;
  if (env !== undefined && env !== '') return { dir: path.resolve(env), explicit: true };
  return { dir: path.resolve(METADATA_DIR, '../../shared'), explicit: false };
}

const withNewline = (text: string): string => (text.endsWith('\n') ? text : `${text}\n`);

// Descriptions are one self-closing element per line upstream: inline Core.V1.Description annotations (beta) and
// the Description field of a Revisions record. Anything else mentioning a description fails the extraction
// instead of slipping through.
const CSDL_DESCRIPTION =
  /^[ \t]*<Annotation Term="Org\.OData\.Core\.V1\.(?:Long)?Description"[^>]*\/>\r?\n/gm;
const REVISION_DESCRIPTION = /^[ \t]*<PropertyValue Property="(?:Long)?Description"[^>]*\/>\r?\n/gm;
// An element left empty by the removal is written self-closing, as the clean v1.0 file writes it.
const EMPTIED = /^([ \t]*)<(\w+)((?:\s+[\w.:]+="[^"]*")*)>\r?\n[ \t]*<\/\2>(\r?\n)/gm;

export function stripCsdl(xml: string, file: string): string {
  const out = xml
    .replace(CSDL_DESCRIPTION, '')
    .replace(REVISION_DESCRIPTION, '')
    .replace(EMPTIED, '$1<$2$3 />$4');
  if (/(Core\.V1\.(Long)?Description|Property="(Long)?Description")/.test(out)) {
    throw new Error(`${file}: a description in a form the extraction does not know`);
  }
  return withNewline(out);
}

/** Keywords whose value is a map from names (paths, property names, status codes, ...) to objects. */
const NAME_MAPS = new Set([
  'paths',
  'schemas',
  'responses',
  'parameters',
  'requestBodies',
  'headers',
  'securitySchemes',
  'links',
  'callbacks',
  'properties',
  'content',
  'examples',
  'encoding',
  'variables',
  'scopes',
  'mapping',
]);
const PROSE = new Set(['description', 'summary']);

type Kind = 'object' | 'map' | 'response';

function stripNode(node: unknown, kind: Kind, mapKey = ''): unknown {
  if (Array.isArray(node)) return node.map((item) => stripNode(item, 'object'));
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (kind === 'map') {
      out[key] = stripNode(value, mapKey === 'responses' ? 'response' : 'object');
    } else if (PROSE.has(key) && typeof value === 'string') {
      // OpenAPI 3.0 requires a Response Object's description: keep the key, drop the text.
      if (kind === 'response' && key === 'description') out[key] = '';
    } else {
      out[key] = stripNode(value, NAME_MAPS.has(key) ? 'map' : 'object', key);
    }
  }
  return out;
}

export function stripOpenApi(json: string): string {
  return `${JSON.stringify(stripNode(JSON.parse(json), 'object'), null, 2)}\n`;
}

/** Every file of this folder the upstream copy at `sharedDir` yields, keyed by path relative to this folder. */
export function extract(sharedDir: string): Map<string, string> {
  const read = (...parts: string[]) => readFileSync(path.join(sharedDir, ...parts), 'utf8');
  const out = new Map<string, string>();
  for (const file of CSDL_FILES) out.set(file, stripCsdl(read('graph-metadata', file), file));
  for (const file of OPENAPI_FILES) out.set(file, stripOpenApi(read('graph-metadata', file)));
  // Golden response bodies: real JSON responses, copied as they are (they carry no description text).
  const examples = readdirSync(path.join(sharedDir, 'examples')).filter((f) => f.endsWith('.json'));
  for (const file of examples.sort()) out.set(`examples/${file}`, withNewline(read('examples', file)));
  return out;
}

/** The extracted files present in this folder now (everything but OWN_FILES), relative paths. */
export function committedFiles(): string[] {
  const list = (sub: string) =>
    readdirSync(path.join(METADATA_DIR, sub), { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => (sub === '' ? e.name : `${sub}/${e.name}`));
  const examples = existsSync(path.join(METADATA_DIR, 'examples')) ? list('examples') : [];
  return [...list(''), ...examples].filter((f) => !OWN_FILES.includes(f)).sort();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { dir } = upstreamDir();
  if (!existsSync(path.join(dir, 'graph-metadata'))) {
    console.error(`no upstream metadata at ${dir}/graph-metadata (set CALLRECORDS_SHARED_DIR)`);
    process.exit(1);
  }
  const files = extract(dir);
  for (const stale of committedFiles().filter((f) => !files.has(f))) {
    rmSync(path.join(METADATA_DIR, stale));
    console.log(`removed metadata/${stale}`);
  }
  for (const [file, text] of files) {
    mkdirSync(path.dirname(path.join(METADATA_DIR, file)), { recursive: true });
    writeFileSync(path.join(METADATA_DIR, file), text);
  }
  console.log(`wrote ${files.size} files into metadata/ from ${dir}`);
}
