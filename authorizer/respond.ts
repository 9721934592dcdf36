/**
 * How both authorizers answer a request (index.ts, request-authorizer.ts): wait for the JWKS
 * prefetch if it is still in flight, decide, log the decision, and turn it into API Gateway's answer.
 */
import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import type { ProtectedRoutes } from '../route-table/compiled';
import type { Decision } from './decision';
import { logDecision, type Target, targetsIn } from './decision-log';
import type { Pipeline } from './pipeline';
import { refuseBoundBearer } from './token-binding';

export function authorizerHandler<E extends { methodArn: string }>(
  pipeline: Pipeline,
  table: ProtectedRoutes,
  decideEvent: (event: E, target: Target) => Decision | Promise<Decision>,
  /** Given, a DPoP-bound token is refused with this detail (RFC 9449 7.2: Bearer-only routes). */
  bearerOnly?: string,
): (event: E) => Promise<APIGatewayAuthorizerResult> {
  const targetOf = targetsIn(table);
  return async (event) => {
    const started = performance.now();
    // A request that comes before the prefetch has settled shares its fetch.
    await pipeline.prefetched;
    const target = targetOf(event.methodArn);
    let decision = decideEvent(event, target);
    if (decision instanceof Promise) decision = await decision;
    if (bearerOnly) decision = refuseBoundBearer(decision, bearerOnly);
    if (decision.outcome !== 'allow' || pipeline.logAllows) {
      const caller = 'claims' in decision ? pipeline.callers.of(decision.claims.cid) : undefined;
      logDecision(decision, target, performance.now() - started, caller?.name);
    }
    switch (decision.outcome) {
      case 'allow':
      case 'deny':
        // The same policy either way: it covers every route, so API Gateway may cache it.
        return pipeline.policies.forToken(decision.claims, target.prefix);
      case 'unauthorized':
        // API Gateway answers 401 only for exactly this message.
        throw new Error('Unauthorized');
      case 'error':
        // Any other message becomes a 500: the client's token may be fine, so don't send it for a new one.
        throw new Error('Authorizer could not decide');
    }
  };
}
