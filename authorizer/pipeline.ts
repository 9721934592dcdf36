/**
 * What both authorizers set up at a cold start: the configuration (checked loudly), the policies of
 * the route table, the verifier, and the JWKS prefetch.
 */
import { type AuthorizerConfig, loadConfig } from './config';
import { debugEnabled, logger } from './logger';
import { createPolicies } from './policy';
import { table } from './routes-compiled';
import { createVerifier, type TokenVerifier } from './verifier';

export interface Pipeline {
  config: AuthorizerConfig;
  policies: ReturnType<typeof createPolicies>;
  verifier: TokenVerifier;
  /** Undefined once the JWKS prefetch has settled; until then, the prefetch to wait for. */
  prefetching(): Promise<void> | undefined;
  /** Whether allow decisions are logged (DEBUG). */
  logAllows: boolean;
}

/** `load` runs first: a bad configuration fails the cold start, with its line in the log. */
export function startPipeline<T>(load: () => T = () => undefined as T): Pipeline & { extra: T } {
  // Cold start: a bad configuration or route table fails here, loudly, before any request is answered.
  const config = (() => {
    try {
      return { config: loadConfig(), extra: load() };
    } catch (error) {
      logger().error('authorizer misconfigured', { error });
      throw error;
    }
  })();
  const policies = createPolicies(table);
  const verifier = createVerifier(config.config, {
    onStaleJwksRefreshFailed: (error, jwksUri) =>
      logger().warn('JWKS refresh failed; still using the cached keys', { jwksUri, error }),
  });
  // Prefetch the JWKS so the first request verifies from memory; a failure is retried on demand.
  // Issued on the next turn of the event loop: still during Lambda's init (the runtime is waiting
  // for the first event), but the socket set-up does not hold up loading this module.
  // Stryker disable next-line BooleanLiteral: the flag only skips an await once the prefetch has settled; a request that comes first shares its fetch
  let prefetched = false;
  const prefetch = new Promise<void>((resolve) => setImmediate(resolve))
    .then(() => verifier.hydrate())
    .catch((error: unknown) => {
      logger().error('JWKS prefetch failed', {
        reason: 'jwks_unavailable',
        issuers: config.config.issuers,
        error,
      });
    })
    // Stryker disable next-line BlockStatement: as above: awaiting a settled prefetch changes no answer
    .finally(() => {
      // Stryker disable next-line BooleanLiteral: as above, the flag only skips an await
      prefetched = true;
    });
  // Allow decisions are the bulk of the traffic: logged at DEBUG. Refusals at INFO, errors at ERROR.
  const logAllows = debugEnabled();

  return {
    config: config.config,
    extra: config.extra,
    policies,
    verifier,
    prefetching: () => (prefetched ? undefined : prefetch),
    logAllows,
  };
}
