// The model in the code must say exactly what the official schema says: regenerate and compare.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { generate } from '../../scripts/gen-model.js';
import { allProperties, MODELS, optInMembers, structuredType } from '../../src/graph/model/index.js';

test('generated model files equal a fresh generation from metadata/', async () => {
  for (const [file, text] of await generate()) {
    assert.equal(readFileSync(file, 'utf8'), text, `${file} is stale: run npm run gen:model`);
  }
});

test('the model knows every type and property the spec lists', () => {
  const record = allProperties('v1.0', 'microsoft.graph.callRecords.callRecord').map((p) => p.name);
  for (const p of ['id', 'version', 'type', 'modalities', 'startDateTime', 'endDateTime', 'joinWebUrl']) {
    assert.ok(record.includes(p), p);
  }
  const nav = structuredType('v1.0', 'microsoft.graph.callRecords.callRecord').navigation.map((n) => n.name);
  assert.deepEqual(nav.sort(), ['organizer_v2', 'participants_v2', 'sessions']);
  assert.deepEqual(optInMembers('v1.0', 'microsoft.graph.callRecords.productFamily'), [
    'azureCommunicationServices',
  ]);
  // beta-only types and functions
  assert.ok(MODELS.beta.types['microsoft.graph.callRecords.smsLogRow']);
  assert.equal(MODELS['v1.0'].types['microsoft.graph.callRecords.smsLogRow'], undefined);
  assert.equal(structuredType('beta', 'microsoft.graph.callRecords.participantBase').open, true);
  assert.equal(structuredType('v1.0', 'microsoft.graph.callRecords.participantBase').open, false);
  const betaDr = allProperties('beta', 'microsoft.graph.callRecords.directRoutingLogRow').map((p) => p.name);
  assert.ok(betaDr.includes('transferorCorrelationId'));
});
