import type { Command } from 'commander';
import type { CliIo } from './common.js';
import { readFaults } from '../config/index.js';

interface FaultsOpts {
  url: string;
  adminKey?: string;
  json?: boolean;
}

interface Rule {
  id: string;
  on: string;
  matched?: number;
  injected?: number;
  [k: string]: unknown;
}

/** The fault injection rules of a running server, through its admin API (/admin/faults). */
export function faultsCommands(program: Command, io: CliIo): void {
  const faults = program
    .command('faults')
    .description("List, add or clear a running server's fault injection rules");
  const call = async (o: FaultsOpts, method: string, path = '', body?: unknown) => {
    const key = o.adminKey ?? process.env.CALLRECORDS_ADMIN_KEY;
    if (!key) throw new Error('an admin key is required (--admin-key or CALLRECORDS_ADMIN_KEY)');
    const res = await fetch(`${o.url.replace(/\/$/, '')}/admin/faults${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    if (res.status === 204) return undefined;
    const json = (await res.json()) as { rules?: Rule[]; seed?: number; error?: { message: string } };
    if (!res.ok) throw new Error(`${res.status}: ${json.error?.message ?? ''}`);
    return json;
  };
  const show = (o: FaultsOpts, json: { rules?: Rule[]; seed?: number } | undefined) => {
    const rules = json?.rules ?? [];
    const human = rules.length
      ? rules
          .map(({ id, matched, injected, ...rest }) => {
            const counts = matched === undefined ? '' : `  matched ${matched}, injected ${injected ?? 0}`;
            return `${id}  ${JSON.stringify(rest)}${counts}`;
          })
          .join('\n')
      : 'no fault rules';
    io.stdout.write(o.json ? JSON.stringify(json ?? {}, null, 2) + '\n' : human + '\n');
  };
  const common = (c: Command) =>
    c
      .option('--url <url>', 'server URL', 'http://127.0.0.1:8080')
      .option('--admin-key <key>', 'admin key (default: env CALLRECORDS_ADMIN_KEY)')
      .option('--json', 'print JSON');
  common(faults.command('list').description('Print the active rules and their counts')).action(
    async (o: FaultsOpts) => show(o, await call(o, 'GET')),
  );
  common(
    faults
      .command('add')
      .description(
        'Add rules: a JSON rule, a JSON array, or a file, e.g. \'{"resource":"records","everyNth":3,"status":503}\'',
      )
      .argument('<rules>'),
  ).action(async (rules: string, o: FaultsOpts) => {
    const text = rules.trim().startsWith('{') && !rules.includes('"rules"') ? `[${rules}]` : rules;
    show(o, await call(o, 'POST', '', { rules: readFaults(text) }));
  });
  common(faults.command('clear').description('Remove every rule, or the one given').argument('[id]')).action(
    async (id: string | undefined, o: FaultsOpts) => {
      await call(o, 'DELETE', id ? `/${encodeURIComponent(id)}` : '');
      io.stdout.write(o.json ? '{}\n' : id ? `removed ${id}\n` : 'cleared\n');
    },
  );
}
