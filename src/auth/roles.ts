// The Graph application permissions this API knows, and which routes each grants; the one list of them.
export const ROLE_READ_ALL = 'CallRecords.Read.All';
/** The current name of the PSTN-logs-only role, and its 2020 name. */
export const ROLE_PSTN = 'CallRecord-PstnCalls.Read.All';
export const ROLE_PSTN_LEGACY = 'CallRecords.Read.PstnCalls';

export const KNOWN_ROLES: readonly string[] = [ROLE_READ_ALL, ROLE_PSTN, ROLE_PSTN_LEGACY];

/** Roles that grant the call record routes. */
export const RECORD_ROLES: readonly string[] = [ROLE_READ_ALL];
/** Roles that grant the five telephony log functions; delegated tokens never do. */
export const LOG_FUNCTION_ROLES: readonly string[] = [ROLE_READ_ALL, ROLE_PSTN, ROLE_PSTN_LEGACY];

/** Graph's resource: both spellings a token audience or a scope may use. */
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const GRAPH_AUDIENCES: readonly string[] = [GRAPH_RESOURCE, `${GRAPH_RESOURCE}/`, GRAPH_APP_ID];
