import type { Command } from 'commander';
import { KeyEncryptionKey } from '../auth/kek.js';
import { KeyRing } from '../auth/keys.js';
import { systemClock } from '../clock.js';
import { dataDirOf } from '../config/index.js';
import { print, withCommon, withStore, type CliIo, type CommonOptions } from './common.js';

export function keysCommands(program: Command, io: CliIo): void {
  const keys = program.command('keys').description('Manage token signing keys');
  withCommon(
    keys
      .command('rotate')
      .description('Make a new signing key current; the old one stays published until its tokens expire'),
  ).action((o: CommonOptions) =>
    withStore(io, o, async ({ config, store }) => {
      const ring = new KeyRing({
        store: store.identity,
        kek: KeyEncryptionKey.load({
          dir: dataDirOf(config),
          ...(config.kek ? { fromEnv: config.kek } : {}),
        }),
        clock: systemClock,
        tokenLifetimeSeconds: config.tokenLifetimeSeconds,
      });
      await ring.init();
      const kid = await ring.rotate();
      print(io, o, { kid, published: ring.jwks().keys.map((k) => k.kid) }, `new signing key ${kid}`);
    }),
  );
}
