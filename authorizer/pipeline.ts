/**
 * An authorizer's cold start, shared by both (index.ts, request-authorizer.ts): the configuration
 * (checked loudly), the policies of its route table, the verifier, and the JWKS prefetch.
 */
import { type Callers, loadCallers } from './callers';
import { loadConfig } from './config';
import { debugEnabled, logger } from './logger';
import { createPolicies } from './policy';
import type { ProtectedRoutes } from '../route-table/compiled';
import { createVerifier, type TokenVerifier } from './verifier';

export interface Pipeline {
  policies: ReturnType<typeof createPolicies>;
  verifier: TokenVerifier;
  /** Which caller a client is (API_CALLERS): named in the decision line and the context. */
  callers: Callers;
  /** The JWKS prefetch; it never rejects (a failure is logged, and retried on demand). */
  prefetched: Promise<void>;
  /** Whether allow decisions are logged (DEBUG). */
  logAllows: boolean;
}

/** Runs `load` at a cold start: a bad configuration fails it, with its line in the log. */
export function loudly<T>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    logger().error('authorizer misconfigured', { error });
    throw error;
  }
}

/** For the routes of `table` (each authorizer compiles its own); `contextOf` as createPolicies'. */
export function startPipeline(
  table: ProtectedRoutes,
  contextOf?: Parameters<typeof createPolicies>[2],
): Pipeline {
  // Cold start: a bad configuration fails here, loudly, before any request is answered.
  const config = loudly(loadConfig);
  const callers = loudly(loadCallers);
  const verifier = createVerifier(config, {
    onStaleJwksRefreshFailed: (error, jwksUri) =>
      logger().warn('JWKS refresh failed; still using the cached keys', { jwksUri, error }),
  });
  // Prefetch the JWKS so the first request verifies from memory; a failure is retried on demand.
  // Issued on the next turn of the event loop: still during Lambda's init (the runtime is waiting
  // for the first event), but the socket set-up does not hold up loading this module.
  const prefetched = new Promise<void>((resolve) => setImmediate(resolve))
    .then(() => verifier.hydrate())
    .catch((error: unknown) => {
      logger().error('JWKS prefetch failed', {
        reason: 'jwks_unavailable',
        issuers: config.issuers,
        error,
      });
    });
  return {
    policies: createPolicies(table, callers, contextOf),
    callers,
    verifier,
    prefetched,
    // Allow decisions are the bulk of the traffic: logged at DEBUG. Refusals at INFO, errors at ERROR.
    logAllows: debugEnabled(),
  };
}
