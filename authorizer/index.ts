import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { loadConfig } from './config';
import { decide } from './decision';
import { logDecision, targetsIn } from './decision-log';
import { debugEnabled, logger } from './logger';
import { createPolicies } from './policy';
import { bearerTable as table } from './routes-compiled';
import { refuseBoundBearer } from './token-binding';
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
const targetOf = targetsIn(table);
const verifier = createVerifier(config, {
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
      issuers: config.issuers,
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
  // This authorizer serves the Bearer-only routes: a bound token is refused here (RFC 9449 7.2).
  decision = refuseBoundBearer(decision, 'this route takes Bearer only');
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
