import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { decide } from './decision';
import { logDecision, targetsIn } from './decision-log';
import { startPipeline } from './pipeline';
import { bearerTable as table } from './routes-compiled';
import { refuseBoundBearer } from './token-binding';

// Cold start: a bad configuration or route table fails here, loudly, before any request is answered.
const { policies, verifier, prefetching, logAllows } = startPipeline(table);
const targetOf = targetsIn(table);

export async function handler(
  event: APIGatewayTokenAuthorizerEvent,
): Promise<APIGatewayAuthorizerResult> {
  const started = performance.now();
  const prefetch = prefetching();
  // Stryker disable next-line ConditionalExpression: the flag only skips an await once the prefetch has settled; a request that comes first shares its fetch
  if (prefetch) await prefetch;
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
