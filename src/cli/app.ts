import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { KNOWN_ROLES } from '../auth/roles.js';
import { collect, print, withCommon, withStore, type CliIo, type CommonOptions } from './common.js';

type TenantOpts = CommonOptions & { tenant: string };

const roleHelp = `app role, repeatable (${KNOWN_ROLES.join(', ')})`;

export function appCommands(program: Command, io: CliIo): void {
  const app = program.command('app').description('Manage app registrations (client credentials)');

  withCommon(
    app.command('create').description('Register an app; prints its client id and a secret (shown once)'),
  )
    .requiredOption('--tenant <tenantId>', 'tenant id')
    .requiredOption('--name <name>', 'display name')
    .option('--role <role>', roleHelp, collect, [])
    .option('--secret-days <days>', 'secret lifetime in days', '730')
    .action((o: TenantOpts & { name: string; role: string[]; secretDays: string }) =>
      withStore(io, o, async ({ registry }) => {
        const { app: a, secret } = await registry.createApp({
          tenantId: o.tenant,
          displayName: o.name,
          roles: o.role,
          secretDays: Number(o.secretDays),
        });
        print(
          io,
          o,
          {
            tenantId: a.tenantId,
            clientId: a.appId,
            objectId: a.objectId,
            displayName: a.displayName,
            roles: a.roles,
            secret: {
              keyId: secret.keyId,
              value: secret.value,
              expires: new Date(secret.expiresMs).toISOString(),
            },
          },
          [
            `client id  ${a.appId}`,
            `secret     ${secret.value}`,
            `roles      ${a.roles.join(', ') || '(none)'}`,
            'The secret is shown only now; only a salted hash is stored.',
          ].join('\n'),
        );
      }),
    );

  withCommon(app.command('list').description("List a tenant's apps"))
    .requiredOption('--tenant <tenantId>', 'tenant id')
    .action((o: TenantOpts) =>
      withStore(io, o, async ({ store }) => {
        const apps = await store.identity.listApps(o.tenant);
        const rows = await Promise.all(
          apps.map(async (a) => ({
            clientId: a.appId,
            displayName: a.displayName,
            roles: a.roles,
            secrets: (await store.identity.listSecrets(o.tenant, a.appId)).map((s) => ({
              keyId: s.key_id,
              hint: s.hint,
              expires: new Date(s.expires_ms).toISOString(),
            })),
            certificates: (await store.identity.listCertificates(o.tenant, a.appId)).map((c) => ({
              keyId: c.key_id,
              thumbprint: c.thumbprint,
            })),
          })),
        );
        print(
          io,
          o,
          rows,
          rows.length
            ? rows
                .map(
                  (r) =>
                    `${r.clientId}  ${r.displayName}  [${r.roles.join(', ')}]  secrets ${r.secrets.length}, certificates ${r.certificates.length}`,
                )
                .join('\n')
            : '(no apps)',
        );
      }),
    );

  withCommon(app.command('add-secret').description('Add a client secret (shown once)'))
    .requiredOption('--tenant <tenantId>', 'tenant id')
    .argument('<clientId>')
    .option('--days <days>', 'lifetime in days', '730')
    .action((clientId: string, o: TenantOpts & { days: string }) =>
      withStore(io, o, async ({ registry }) => {
        const s = await registry.addSecret(o.tenant, clientId, { days: Number(o.days) });
        print(
          io,
          o,
          { keyId: s.keyId, value: s.value, expires: new Date(s.expiresMs).toISOString() },
          `key id  ${s.keyId}\nsecret  ${s.value}`,
        );
      }),
    );

  withCommon(app.command('remove-secret').description('Remove a client secret'))
    .requiredOption('--tenant <tenantId>', 'tenant id')
    .argument('<clientId>')
    .argument('<keyId>')
    .action((clientId: string, keyId: string, o: TenantOpts) =>
      withStore(io, o, async ({ registry }) => {
        await registry.removeSecret(o.tenant, clientId, keyId);
        print(io, o, { removed: keyId }, `removed secret ${keyId}`);
      }),
    );

  withCommon(app.command('add-certificate').description('Register a certificate for client assertions'))
    .requiredOption('--tenant <tenantId>', 'tenant id')
    .requiredOption('--pem <file>', 'PEM file with the X.509 certificate')
    .argument('<clientId>')
    .action((clientId: string, o: TenantOpts & { pem: string }) =>
      withStore(io, o, async ({ registry }) => {
        const c = await registry.addCertificate(o.tenant, clientId, readFileSync(o.pem, 'utf8'));
        print(io, o, c, `key id      ${c.keyId}\nthumbprint  ${c.thumbprint}`);
      }),
    );

  withCommon(app.command('remove-certificate').description('Remove a certificate'))
    .requiredOption('--tenant <tenantId>', 'tenant id')
    .argument('<clientId>')
    .argument('<keyId>')
    .action((clientId: string, keyId: string, o: TenantOpts) =>
      withStore(io, o, async ({ registry }) => {
        await registry.removeCertificate(o.tenant, clientId, keyId);
        print(io, o, { removed: keyId }, `removed certificate ${keyId}`);
      }),
    );

  for (const [name, verb] of [
    ['grant', 'Grant app roles'],
    ['revoke', 'Revoke app roles'],
  ] as const) {
    withCommon(app.command(name).description(verb))
      .requiredOption('--tenant <tenantId>', 'tenant id')
      .requiredOption('--role <role>', roleHelp, collect, [])
      .argument('<clientId>')
      .action((clientId: string, o: TenantOpts & { role: string[] }) =>
        withStore(io, o, async ({ registry }) => {
          const roles =
            name === 'grant'
              ? await registry.grant(o.tenant, clientId, o.role)
              : await registry.revoke(o.tenant, clientId, o.role);
          print(io, o, { clientId, roles }, `${clientId} roles: ${roles.join(', ') || '(none)'}`);
        }),
      );
  }

  withCommon(app.command('delete').description('Delete an app registration'))
    .requiredOption('--tenant <tenantId>', 'tenant id')
    .argument('<clientId>')
    .action((clientId: string, o: TenantOpts) =>
      withStore(io, o, async ({ registry }) => {
        await registry.deleteApp(o.tenant, clientId);
        print(io, o, { deleted: clientId }, `deleted app ${clientId}`);
      }),
    );
}
