import type { Command } from 'commander';
import { print, withCommon, withStore, type CliIo, type CommonOptions } from './common.js';

export function tenantCommands(program: Command, io: CliIo): void {
  const tenant = program.command('tenant').description('Manage tenants');
  withCommon(tenant.command('create').description('Create a tenant'))
    .option('--id <guid>', 'tenant id (default: a new GUID)')
    .option('--name <name>', 'display name', 'Tenant')
    .action((o: CommonOptions & { id?: string; name: string }) =>
      withStore(io, o, async ({ registry }) => {
        const id = await registry.createTenant({ ...(o.id ? { id: o.id } : {}), displayName: o.name });
        print(io, o, { tenantId: id, displayName: o.name }, `created tenant ${id} (${o.name})`);
      }),
    );
  withCommon(tenant.command('list').description('List tenants')).action((o: CommonOptions) =>
    withStore(io, o, async ({ store }) => {
      const tenants = await store.listTenants();
      print(
        io,
        o,
        tenants.map((t) => ({
          tenantId: t.id,
          displayName: t.displayName,
          created: new Date(t.createdMs).toISOString(),
        })),
        tenants.length ? tenants.map((t) => `${t.id}  ${t.displayName}`).join('\n') : '(no tenants)',
      );
    }),
  );
  withCommon(tenant.command('delete').description('Delete a tenant with its records and apps'))
    .argument('<tenantId>')
    .action((tenantId: string, o: CommonOptions) =>
      withStore(io, o, async ({ registry }) => {
        await registry.deleteTenant(tenantId);
        print(io, o, { deleted: tenantId }, `deleted tenant ${tenantId}`);
      }),
    );
}
