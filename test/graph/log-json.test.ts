// servedLogRowText cuts the stored beta text of a log row to v1.0's properties without parsing it: it must give
// exactly the text of parsing the row and writing it again, whatever its values hold.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NS, type GraphVersion } from '../../src/graph/model/index.js';
import { logRowText, servedLogRowText } from '../../src/graph/shape/log-json.js';

const HOSTILE = [
  'plain',
  '',
  'a "quoted" \\ value',
  'ends with a backslash \\',
  '\\"',
  '\\\\"',
  ',"administrativeUnitInfos":[{"id":"x"}]',
  ',"otherPartyCountryCode":"US"}',
  '{"nested":["a",{"b":"c"}]}',
  'unicode é ✓ \u2028 \u0000 😀',
];

function rows(i: number): Record<string, unknown>[] {
  const s = (k: number) => HOSTILE[(i + k) % HOSTILE.length]!;
  return [
    {
      id: s(0),
      callId: s(1),
      userId: null,
      userPrincipalName: s(2),
      userDisplayName: s(3),
      startDateTime: '2024-01-01T00:00:00Z',
      endDateTime: '2024-01-01T00:01:00Z',
      duration: 60 + i,
      charge: [0, 1.5, 0.0125, 12.83, 3][i % 5],
      connectionCharge: i % 2 ? null : 0.1,
      callType: s(4),
      currency: 'USD',
      calleeNumber: s(5),
      callerNumber: s(6),
      destinationContext: s(7),
      administrativeUnitInfos: i % 3 ? [{ id: s(8) }, { id: s(9) }] : i % 2 ? [] : null,
      otherPartyCountryCode: s(8),
      clientLocalIpV4Address: s(9),
    },
    {
      id: s(0),
      correlationId: s(1),
      userId: s(2),
      successfulCall: i % 2 === 0,
      mediaBypassEnabled: null,
      finalSipCode: 200,
      callEndSubReason: i % 4 ? 540000 : null,
      trunkFullyQualifiedDomainName: s(3),
      administrativeUnitInfos: [{ id: s(4) }],
      transferorCorrelationId: s(5),
      userCountryCode: s(6),
    },
  ];
}

test('v1.0 and beta log rows cut from stored text equal the rows parsed and written again', () => {
  const types = [`${NS}.pstnCallLogRow`, `${NS}.directRoutingLogRow`];
  for (let i = 0; i < 60; i++) {
    rows(i).forEach((row, t) => {
      const type = types[t]!;
      const stored = logRowText('beta', type, row);
      for (const version of ['v1.0', 'beta'] as GraphVersion[]) {
        for (const omitNulls of [false, true]) {
          const expected = logRowText(
            version,
            type,
            JSON.parse(stored) as Record<string, unknown>,
            omitNulls,
          );
          assert.equal(
            servedLogRowText(version, type, stored, omitNulls),
            expected,
            `${version} ${type} ${i}`,
          );
        }
      }
    });
  }
});

test('a stored row that is not in the current column order is parsed and written again', () => {
  const type = `${NS}.pstnCallLogRow`;
  const stored = JSON.stringify({
    id: 'x',
    otherPartyCountryCode: 'US',
    administrativeUnitInfos: [],
    callId: 'c',
  });
  assert.equal(
    servedLogRowText('v1.0', type, stored, false),
    logRowText('v1.0', type, JSON.parse(stored) as Record<string, unknown>),
  );
});
