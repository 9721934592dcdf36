import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { loadConfig } from './config';
import { type Decision, decide } from './decision';
import { debugEnabled, logger } from './logger';
import { memo } from './memo';
import { createPolicies, type MethodArn, parseMethodArn } from './policy';
import { pathSegments, routeOf } from './route-patterns';
import type { ProtectedRoute } from './route-table';
import { table } from './routes-compiled';
import { createVerifier } from './verifier';

// Cold start: a bad configuration or route table fails here, loudly, before any request is answered.
const config = (() => {
  try {
    return loadConfig();
  } catch (error) {
    logger().error('authorizer misconfigured', { error });
    throw error;
  }
})();
const policies = createPolicies(table);
const verifier = createVerifier(config, {
  onStaleJwksRefreshFailed: (error) =>
    logger().warn('JWKS refresh failed; still using the cached keys', {
      jwksUri: config.jwksUri,
      error,
    }),
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
      jwksUri: config.jwksUri,
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

export async function handler(
  event: APIGatewayTokenAuthorizerEvent,
): Promise<APIGatewayAuthorizerResult> {
  const started = performance.now();
  // Stryker disable next-line ConditionalExpression,BooleanLiteral: as above, the flag only skips an await
  if (!prefetched) await prefetch;
  const target = targetOf(event.methodArn);
  let decision = decide(event.authorizationToken, verifier, target.route);
  if (decision instanceof Promise) decision = await decision;
  if (decision.outcome !== 'allow' || logAllows) {
    logDecision(decision, target, performance.now() - started);
  }

  switch (decision.outcome) {
    case 'allow':
    case 'deny':
      // The same policy either way: it covers every route, so API Gateway may cache it.
      return policies.forToken(decision.claims, target.prefix);
    case 'unauthorized':
      // API Gateway answers 401 only for exactly this message.
      throw new Error('Unauthorized');
    case 'error':
      // Any other message becomes a 500: the client's token may be fine, so don't send it for a new one.
      throw new Error('Authorizer could not decide');
  }
}

interface Target extends MethodArn {
  route: ProtectedRoute | undefined;
}

/** The stage and the table's route a methodArn names; one entry per distinct request path, bounded. */
const targetOf = memo(1024, (methodArn: string): Target => {
  const arn = parseMethodArn(methodArn);
  // Only protected routes reach the authorizer: the one API Gateway chose wins among them too.
  return { ...arn, route: routeOf(table.protectedRoutes, arn.method, pathSegments(arn.path)) };
});

function logDecision(decision: Decision, target: Target, durationMs: number): void {
  const entry = {
    outcome: decision.outcome,
    reason: 'reason' in decision ? decision.reason : 'ok',
    sub: 'claims' in decision ? decision.claims.sub : undefined,
    cid: 'claims' in decision ? decision.claims.cid : undefined,
    route: target.route?.key ?? `${target.method} ${target.path}`,
    durationMs: Math.round(durationMs * 1000) / 1000,
  };
  switch (decision.outcome) {
    case 'allow':
      return logger().debug('authorization decision', entry);
    case 'deny':
      return logger().info('authorization decision', {
        ...entry,
        ...(decision.reason === 'insufficient_scope' && {
          required: decision.route.requirement,
          missingScopes: decision.missingScopes,
        }),
      });
    case 'unauthorized':
      return logger().info('authorization decision', {
        ...entry,
        detail: truncate(decision.detail),
      });
    case 'error':
      return logger().error('authorization decision', { ...entry, error: decision.error });
  }
}

function truncate(text: string | undefined): string | undefined {
  return text && text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
