import type { Command } from 'commander';
import type { CliIo } from './common.js';

interface ClockOpts {
  url: string;
  adminKey?: string;
  json?: boolean;
}

/** Moves a running server's virtual clock through the admin API. */
export function clockCommand(program: Command, io: CliIo): void {
  const clock = program.command('clock').description("Show or move a running server's virtual clock");
  const call = async (o: ClockOpts, body?: object) => {
    const key = o.adminKey ?? process.env.CALLRECORDS_ADMIN_KEY;
    if (!key) throw new Error('an admin key is required (--admin-key or CALLRECORDS_ADMIN_KEY)');
    const res = await fetch(`${o.url.replace(/\/$/, '')}/admin/clock`, {
      method: body ? 'POST' : 'GET',
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json()) as { now?: string; frozen?: boolean; error?: { message: string } };
    if (!res.ok) throw new Error(`${res.status}: ${json.error?.message ?? ''}`);
    io.stdout.write(o.json ? JSON.stringify(json) + '\n' : `${json.now}${json.frozen ? ' (frozen)' : ''}\n`);
  };
  const common = (c: Command) =>
    c
      .option('--url <url>', 'server URL', 'http://127.0.0.1:8080')
      .option('--admin-key <key>', 'admin key (default: env CALLRECORDS_ADMIN_KEY)')
      .option('--json', 'print JSON');
  common(clock.command('show').description('Print the virtual time')).action((o: ClockOpts) => call(o));
  common(clock.command('freeze').description('Stop the clock')).action((o: ClockOpts) =>
    call(o, { action: 'freeze' }),
  );
  common(clock.command('resume').description('Let a frozen clock run again')).action((o: ClockOpts) =>
    call(o, { action: 'resume' }),
  );
  common(clock.command('reset').description('Back to real time')).action((o: ClockOpts) =>
    call(o, { action: 'reset' }),
  );
  common(clock.command('set').description('Set the virtual time').argument('<dateTime>')).action(
    (to: string, o: ClockOpts) => call(o, { action: 'set', to }),
  );
  common(
    clock
      .command('advance')
      .description('Move the clock by an ISO-8601 duration, e.g. PT2H')
      .argument('<duration>'),
  ).action((by: string, o: ClockOpts) => call(o, { action: 'advance', by }));
}
