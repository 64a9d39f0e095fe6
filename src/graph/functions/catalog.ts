// The five telephony log functions bound to the callRecords collection: the versions that serve them, the row type
// each returns, where its rows come from, and the app roles that grant it (for the authentication layer).
import { NS, type GraphVersion } from '../model/index.js';

export type LogFunctionName =
  | 'getPstnCalls'
  | 'getDirectRoutingCalls'
  | 'getSmsLog'
  | 'getPstnBlockedUsersLog'
  | 'getPstnOnlineMeetingDialoutReport';

/** The stored log a function reads (one table each). */
export type LogKind = 'pstnCalls' | 'directRoutingCalls' | 'sms' | 'blockedUsers';

export interface LogFunction {
  name: LogFunctionName;
  /** Versions that serve it; elsewhere the segment is unknown (400, as Graph answers). */
  versions: readonly GraphVersion[];
  /** Qualified row type, e.g. microsoft.graph.callRecords.pstnCallLogRow. */
  rowType: string;
  /** The log the rows are read from, or the dial-out aggregate over PSTN rows. */
  source: LogKind | 'dialout';
}

const BOTH: readonly GraphVersion[] = ['v1.0', 'beta'];
const BETA: readonly GraphVersion[] = ['beta'];

export const LOG_FUNCTIONS: Readonly<Record<LogFunctionName, LogFunction>> = {
  getPstnCalls: {
    name: 'getPstnCalls',
    versions: BOTH,
    rowType: `${NS}.pstnCallLogRow`,
    source: 'pstnCalls',
  },
  getDirectRoutingCalls: {
    name: 'getDirectRoutingCalls',
    versions: BOTH,
    rowType: `${NS}.directRoutingLogRow`,
    source: 'directRoutingCalls',
  },
  getSmsLog: { name: 'getSmsLog', versions: BETA, rowType: `${NS}.smsLogRow`, source: 'sms' },
  getPstnBlockedUsersLog: {
    name: 'getPstnBlockedUsersLog',
    versions: BETA,
    rowType: `${NS}.pstnBlockedUsersLogRow`,
    source: 'blockedUsers',
  },
  getPstnOnlineMeetingDialoutReport: {
    name: 'getPstnOnlineMeetingDialoutReport',
    versions: BETA,
    rowType: `${NS}.pstnOnlineMeetingDialoutReport`,
    source: 'dialout',
  },
};

export function logFunction(name: string): LogFunction | undefined {
  return Object.hasOwn(LOG_FUNCTIONS, name) ? LOG_FUNCTIONS[name as LogFunctionName] : undefined;
}

/** Rows per page: the documented page size and maximum of every log function. */
export const LOG_PAGE_MAX = 1000;

/** The widest range a log function accepts (fromDateTime to toDateTime). */
export const MAX_RANGE_DAYS = 90;

/** PSTN call types that the online-meeting dial-out report aggregates (audio-conferencing dial-outs). */
export const DIALOUT_CALL_TYPES: readonly string[] = ['conf_out'];
