// Validates webhook payloads against the official schema of microsoft.graph.changeNotificationCollection. The
// subscriptions OpenAPI in metadata/ does not carry that component, so when the OpenAPI oracle lacks it
// the check runs on the CSDL (callrecords-graph-types-v1.0.xml): closed types take only declared properties (plus
// OData annotations), open types (resourceData) anything; primitives, enums, collections and Nullable="false".
import { AssertionError } from 'node:assert';
import { loadCsdl, type CsdlType } from '../helpers/openapi-csdl.js';
import { loadModel, metadataFile, validateSchema, type GraphVersion } from '../helpers/openapi.js';

const COLLECTION = 'microsoft.graph.changeNotificationCollection';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE_TIME =
  /^[0-9]{4,}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,12})?(Z|[+-][0-9][0-9]:[0-9][0-9])$/;

let csdl: Map<string, CsdlType> | undefined;

function types(): Map<string, CsdlType> {
  csdl ??= loadCsdl([metadataFile('callrecords-graph-types-v1.0.xml')]);
  return csdl;
}

function checkPrimitive(type: string, value: unknown, at: string, errors: string[]): void {
  const ok =
    type === 'Edm.String'
      ? typeof value === 'string'
      : type === 'Edm.Guid'
        ? typeof value === 'string' && GUID.test(value)
        : type === 'Edm.DateTimeOffset'
          ? typeof value === 'string' && DATE_TIME.test(value)
          : type === 'Edm.Boolean'
            ? typeof value === 'boolean'
            : false;
  if (!ok) errors.push(`${at}: not a valid ${type} (${JSON.stringify(value)})`);
}

function checkValue(typeName: string, value: unknown, at: string, errors: string[]): void {
  if (typeName.startsWith('Edm.')) return checkPrimitive(typeName, value, at, errors);
  const type = types().get(typeName);
  if (!type) return void errors.push(`${at}: unknown type ${typeName}`);
  if (type.kind === 'EnumType') {
    // Enum members are not parsed by the CSDL reader: check against the known members.
    const members: Record<string, string[]> = {
      'microsoft.graph.changeType': ['created', 'updated', 'deleted'],
      'microsoft.graph.lifecycleEventType': ['missed', 'subscriptionRemoved', 'reauthorizationRequired'],
    };
    if (!members[typeName]?.includes(value as string)) errors.push(`${at}: not a member of ${typeName}`);
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return void errors.push(`${at}: must be an object of ${typeName}`);
  }
  for (const [key, v] of Object.entries(value)) {
    if (key.includes('@')) continue;
    const prop = type.properties.get(key);
    if (!prop) {
      if (!type.open) errors.push(`${at}.${key}: not declared on closed type ${typeName}`);
      continue;
    }
    if (v === null) {
      if (!prop.nullable || prop.collection) errors.push(`${at}.${key}: must not be null`);
      continue;
    }
    if (prop.collection) {
      if (!Array.isArray(v)) errors.push(`${at}.${key}: must be an array`);
      else v.forEach((item, i) => checkValue(prop.type, item, `${at}.${key}[${i}]`, errors));
    } else checkValue(prop.type, v, `${at}.${key}`, errors);
  }
}

export function notificationErrors(version: GraphVersion, body: unknown): string[] {
  if (loadModel(version).schemas[COLLECTION] !== undefined) return validateSchema(version, COLLECTION, body);
  const errors: string[] = [];
  checkValue(COLLECTION, body, '$', errors);
  return errors;
}

export function assertValidNotification(body: unknown): void {
  for (const version of ['v1.0', 'beta'] as const) {
    const errors = notificationErrors(version, body);
    if (errors.length > 0) {
      throw new AssertionError({ message: `${COLLECTION} (${version}):\n  - ${errors.join('\n  - ')}` });
    }
  }
}
