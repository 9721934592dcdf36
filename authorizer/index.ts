import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { loadConfig } from './config';
import { type Decision, decide } from './decision';
import { debugEnabled, logger } from './logger';
import { buildPolicy } from './policy';
import { createVerifier } from './verifier';

// Cold start: a bad configuration fails here, loudly, before any request is answered.
const config = (() => {
  try {
    return loadConfig();
  } catch (error) {
    logger().error('authorizer misconfigured', { error });
    throw error;
  }
})();
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
  .finally(() => {
    prefetched = true;
  });
// Allow decisions are the bulk of the traffic: logged at DEBUG. Refusals at INFO, errors at ERROR.
const logAllows = debugEnabled();

export async function handler(
  event: APIGatewayTokenAuthorizerEvent,
): Promise<APIGatewayAuthorizerResult> {
  const started = performance.now();
  if (!prefetched) await prefetch;
  let decision = decide(event.authorizationToken, verifier, config.requiredScopes);
  if (decision instanceof Promise) decision = await decision;
  if (decision.outcome !== 'allow' || logAllows) {
    logDecision(decision, event.methodArn, performance.now() - started);
  }

  switch (decision.outcome) {
    case 'allow':
      return buildPolicy('Allow', event.methodArn, decision.claims);
    case 'deny':
      return buildPolicy('Deny', event.methodArn, decision.claims);
    case 'unauthorized':
      // API Gateway answers 401 only for exactly this message.
      throw new Error('Unauthorized');
    case 'error':
      // Any other message becomes a 500: the client's token may be fine, so don't send it for a new one.
      throw new Error('Authorizer could not decide');
  }
}

function logDecision(decision: Decision, methodArn: string, durationMs: number): void {
  const entry = {
    outcome: decision.outcome,
    reason: 'reason' in decision ? decision.reason : 'ok',
    sub: 'claims' in decision ? decision.claims.sub : undefined,
    cid: 'claims' in decision ? decision.claims.cid : undefined,
    route: routeOf(methodArn),
    durationMs: Math.round(durationMs * 1000) / 1000,
  };
  switch (decision.outcome) {
    case 'allow':
      return logger().debug('authorization decision', entry);
    case 'deny':
      return logger().info('authorization decision', {
        ...entry,
        missingScopes: decision.missingScopes,
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

/** "arn:...:apiId/stage/GET/api/whoami" -> "GET /api/whoami" */
function routeOf(methodArn: string): string {
  const [, , method, ...path] = (methodArn.split(':')[5] ?? '').split('/');
  return method ? `${method} /${path.join('/')}` : 'unknown';
}

function truncate(text: string | undefined): string | undefined {
  return text && text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
