// Builds the identity components once, at start-up: keys, token issuer, verifier, client authentication.
import type { Clock } from '../clock.js';
import { dataDirOf, type Config } from '../config/index.js';
import { memoryCoordination, type Coordination } from '../coord/index.js';
import type { Store } from '../store/index.js';
import { bearerAuthenticator, type Authenticator } from './authenticate.js';
import { ClientAuthenticator } from './client-auth.js';
import { KeyEncryptionKey } from './kek.js';
import { KeyRing } from './keys.js';
import { TokenLimiter } from './lockout.js';
import { Registry } from './registry.js';
import { TokenIssuer } from './tokens.js';
import { TokenVerifier } from './verify.js';

export interface Identity {
  keys: KeyRing;
  issuer: TokenIssuer;
  verifier: TokenVerifier;
  clients: ClientAuthenticator;
  limiter: TokenLimiter;
  registry: Registry;
  authenticator: Authenticator;
}

export async function buildIdentity(
  config: Config,
  store: Store,
  clock: Clock,
  coord: Coordination = memoryCoordination(),
): Promise<Identity> {
  const kek = KeyEncryptionKey.load({
    dir: dataDirOf(config),
    ...(config.kek ? { fromEnv: config.kek } : {}),
  });
  const keys = new KeyRing({
    store: store.identity,
    kek,
    clock,
    tokenLifetimeSeconds: config.tokenLifetimeSeconds,
  });
  await keys.init();
  const verifier = new TokenVerifier({ keys, clock, trustedIssuers: config.trustedIssuers });
  return {
    keys,
    issuer: new TokenIssuer({ keys, clock, lifetimeSeconds: config.tokenLifetimeSeconds }),
    verifier,
    clients: new ClientAuthenticator({ store: store.identity, clock, replay: coord.replay }),
    limiter: new TokenLimiter({
      windowMs: config.tokenFailureWindowSeconds * 1000,
      log: coord.failures('token', config.tokenFailureWindowSeconds * 1000),
      perClient: config.tokenFailuresPerClient,
      perAddress: config.tokenFailuresPerAddress,
    }),
    registry: new Registry(store, clock),
    authenticator: bearerAuthenticator(verifier),
  };
}
