// Generates src/graph/metadata/csdl.generated.ts, the `$metadata` documents served on /v1.0 and /beta, from the
// CSDL extract in metadata/. `npm run gen:csdl` rewrites it; test/graph/csdl.test.ts fails when the two disagree.
//
// Each document is the part of Graph this server serves: the microsoft.graph.callRecords schema as extracted, the
// microsoft.graph types it reaches (plus the subscription entity), `cloudCommunications` with only its callRecords
// navigation, an entity container with the `communications` singleton and the `subscriptions` entity set, and the
// annotations on call records elements. Beta also gets what the beta extract lacks but beta serves: the log
// functions declared only in the v1.0 CSDL and the beta-only subscription properties of the beta OpenAPI document.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { MODELS } from '../src/graph/model/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const meta = (f: string) => readFileSync(path.join(root, 'metadata', f), 'utf8');

export const OUTPUT = path.join(root, 'src/graph/metadata/csdl.generated.ts');

type Version = 'v1.0' | 'beta';

interface Element {
  tag: string;
  name: string | undefined;
  text: string;
}

const INDENT = '      ';

/** The child elements of the (first) `<Schema>` of a CSDL fragment, each as its source text. */
function schemaChildren(xml: string): Element[] {
  const open = /<Schema\b[^>]*>/.exec(xml);
  const close = xml.lastIndexOf('</Schema>');
  if (!open || close < 0) throw new Error('no <Schema> element');
  const body = xml.slice(open.index + open[0].length, close);
  const out: Element[] = [];
  let depth = 0;
  let start = 0;
  let tag = '';
  for (const m of body.matchAll(/<!--[\s\S]*?-->|<(\/?)([A-Za-z]+)\b[^>]*?(\/?)>/g)) {
    if (m[0].startsWith('<!--')) continue;
    const [all, closing, name = '', self] = m;
    if (!closing) {
      if (depth === 0) {
        start = m.index;
        tag = name;
      }
      if (!self) depth++;
      else if (depth === 0) out.push(element(tag, body.slice(start, m.index + all.length)));
    } else if (--depth === 0) out.push(element(tag, body.slice(start, m.index + all.length)));
  }
  return out;
}

function element(tag: string, text: string): Element {
  return { tag, name: /\bName="([^"]+)"/.exec(text)?.[1], text };
}

/** The qualified names an element refers to (types, base types, entity types of sets), aliases expanded. */
function references(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\b(?:Type|BaseType|EntityType)="(?:Collection\()?([\w.]+)\)?"/g)) {
    out.push(m[1]!.replace(/^graph\./, 'microsoft.graph.'));
  }
  return out;
}

/** Only the callRecords navigation of cloudCommunications is served. */
function servedCommunications(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.includes('<NavigationProperty') || line.includes('microsoft.graph.callRecords.'))
    .join('\n');
}

interface OpenApiSchema {
  allOf?: { properties?: Record<string, { type?: string; format?: string; nullable?: boolean }> }[];
}

/** Properties of the subscription that the version's OpenAPI document lists and the CSDL extract does not. */
function extraSubscriptionProperties(version: Version, declared: string): string[] {
  const doc = JSON.parse(meta(`subscriptions-openapi-${version}.json`)) as {
    components: { schemas: Record<string, OpenApiSchema> };
  };
  const schema = doc.components.schemas['microsoft.graph.subscription'];
  const props = schema?.allOf?.find((p) => p.properties)?.properties ?? {};
  const lines: string[] = [];
  for (const [name, p] of Object.entries(props)) {
    if (declared.includes(`<Property Name="${name}"`)) continue;
    const type =
      p.type === 'boolean'
        ? 'Edm.Boolean'
        : p.format === 'date-time'
          ? 'Edm.DateTimeOffset'
          : p.type === 'string'
            ? 'Edm.String'
            : undefined;
    if (!type) throw new Error(`subscription.${name}: no CSDL type for ${JSON.stringify(p)}`);
    lines.push(
      `${INDENT}  <Property Name="${name}" Type="${type}"${p.nullable === false ? ' Nullable="false"' : ''} />`,
    );
  }
  return lines;
}

function withProperties(text: string, lines: string[]): string {
  if (lines.length === 0) return text;
  const end = text.lastIndexOf(`\n${INDENT}</EntityType>`);
  return `${text.slice(0, end)}\n${lines.join('\n')}${text.slice(end)}`;
}

const indented = (e: Element) => `${INDENT}${e.text}`;

export function csdlDocument(version: Version): string {
  const callRecords = schemaChildren(meta(`callrecords-schema-${version}.xml`));
  if (version === 'beta') {
    // Beta serves getDirectRoutingCalls and getPstnCalls too; the beta CSDL does not declare them.
    const names = new Set(callRecords.filter((e) => e.tag === 'Function').map((e) => e.name));
    for (const f of schemaChildren(meta('callrecords-schema-v1.0.xml'))) {
      if (f.tag === 'Function' && !names.has(f.name)) callRecords.push(f);
    }
  }
  const graphTypes = new Map<string, Element>();
  for (const e of schemaChildren(meta('callrecords-graph-types-v1.0.xml'))) {
    graphTypes.set(`microsoft.graph.${e.name!}`, e);
  }
  const annotations = schemaChildren(meta(`callrecords-annotations-${version}.xml`));
  // The singleton sits in the v1.0 extract only; it is the same on beta.
  const singleton = schemaChildren(meta('callrecords-annotations-v1.0.xml')).find(
    (e) => e.tag === 'Singleton',
  );
  if (!singleton) throw new Error('no communications singleton in the annotations extract');

  // The microsoft.graph types the served surface reaches: from the call records schema, the singleton and the
  // subscriptions entity set, transitively, and the ones bodies name in `@odata.type` (the identity subtypes of
  // identity sets), which the model keeps.
  const served = new Map<string, string>();
  const pending = [
    ...callRecords.flatMap((e) => references(e.text)),
    ...Object.keys(MODELS[version].types),
    'microsoft.graph.cloudCommunications',
    'microsoft.graph.subscription',
  ];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (
      served.has(name) ||
      !name.startsWith('microsoft.graph.') ||
      name.startsWith('microsoft.graph.callRecords.')
    ) {
      continue;
    }
    const e = graphTypes.get(name);
    if (!e) throw new Error(`${name} is reached but not in the extract`);
    let text = e.text;
    if (name === 'microsoft.graph.cloudCommunications') text = servedCommunications(text);
    if (name === 'microsoft.graph.subscription')
      text = withProperties(text, extraSubscriptionProperties(version, text));
    served.set(name, text);
    pending.push(...references(text));
  }
  const graphSchema = [...graphTypes.keys()]
    .filter((name) => served.has(name))
    .map((name) => `${INDENT}${served.get(name)!}`);
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">',
    '  <edmx:DataServices>',
    '    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">',
    ...graphSchema,
    `${INDENT}<EntityContainer Name="GraphService">`,
    `${INDENT}  <EntitySet Name="subscriptions" EntityType="microsoft.graph.subscription" />`,
    `${INDENT}  ${singleton.text}`,
    `${INDENT}</EntityContainer>`,
    ...annotations.filter((e) => e.tag === 'Annotations').map(indented),
    '    </Schema>',
    '    <Schema Namespace="microsoft.graph.callRecords" xmlns="http://docs.oasis-open.org/odata/ns/edm">',
    ...callRecords.map(indented),
    '    </Schema>',
    '  </edmx:DataServices>',
    '</edmx:Edmx>',
    '',
  ].join('\n');
}

export async function generate(): Promise<string> {
  const text = [
    '// Generated by scripts/gen-csdl.ts from the CSDL extract in metadata/. Do not edit; run `npm run gen:csdl`.',
    "import type { GraphVersion } from '../model/index.js';",
    '',
    '/** The `$metadata` (CSDL XML) document of each version. */',
    'export const CSDL: Readonly<Record<GraphVersion, string>> = {',
    `  'v1.0': ${JSON.stringify(csdlDocument('v1.0'))},`,
    `  beta: ${JSON.stringify(csdlDocument('beta'))},`,
    '};',
    '',
  ].join('\n');
  const config = (await resolveConfig(OUTPUT)) ?? {};
  return format(text, { ...config, filepath: OUTPUT });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  writeFileSync(OUTPUT, await generate());
  console.log(`wrote ${path.relative(root, OUTPUT)}`);
}
