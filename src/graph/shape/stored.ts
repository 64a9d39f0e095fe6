// The Graph JSON rules the store writes by (its StoredJson port): the opt-in mark of stored bodies, and the text
// of a telephony log row, in the beta shape that v1.0's is cut from on read.
import type { LogKind } from '../functions/catalog.js';
import { NS } from '../model/index.js';
import { logRowText } from './log-json.js';
import { OPT_IN_MARK, optInMark } from './reshape.js';

const LOG_ROW_TYPES: Readonly<Record<LogKind, string>> = {
  pstnCalls: `${NS}.pstnCallLogRow`,
  directRoutingCalls: `${NS}.directRoutingLogRow`,
  sms: `${NS}.smsLogRow`,
  blockedUsers: `${NS}.pstnBlockedUsersLogRow`,
};

export const STORED_JSON = {
  optInMark,
  freeMark: OPT_IN_MARK,
  logRowText: (kind: LogKind, row: object): string =>
    logRowText('beta', LOG_ROW_TYPES[kind], row as Readonly<Record<string, unknown>>),
} as const;
