import type { Command } from 'commander';
import type { CliIo } from './common.js';

interface TokenOpts {
  url: string;
  tenant: string;
  clientId: string;
  secret?: string;
  json?: boolean;
}

/** A client, not an admin tool: asks a running server's token endpoint, exactly as an app would. */
export function tokenCommand(program: Command, io: CliIo): void {
  program
    .command('token')
    .description('Get an app-only access token from a running server (client credentials)')
    .requiredOption('--tenant <tenantId>', 'tenant id')
    .requiredOption('--client-id <id>', 'client id')
    .option('--secret <secret>', 'client secret (default: env CALLRECORDS_CLIENT_SECRET)')
    .option('--url <url>', 'server URL', 'http://127.0.0.1:8080')
    .option('--json', 'print the whole token response')
    .action(async (o: TokenOpts) => {
      const secret = o.secret ?? process.env.CALLRECORDS_CLIENT_SECRET;
      if (!secret) throw new Error('a client secret is required (--secret or CALLRECORDS_CLIENT_SECRET)');
      const res = await fetch(`${o.url.replace(/\/$/, '')}/${o.tenant}/oauth2/v2.0/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: o.clientId,
          client_secret: secret,
          scope: 'https://graph.microsoft.com/.default',
        }),
      });
      const body = (await res.json()) as {
        access_token?: string;
        error?: string;
        error_description?: string;
      };
      if (!res.ok || !body.access_token) {
        throw new Error(
          `${res.status} ${body.error ?? ''}: ${body.error_description?.split('\r\n')[0] ?? ''}`,
        );
      }
      io.stdout.write((o.json ? JSON.stringify(body, null, 2) : body.access_token) + '\n');
    });
}
