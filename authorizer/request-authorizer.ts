/**
 * The REQUEST authorizer of the routes whose `dpop` is 'allowed' or 'required' (routes.ts). It sees
 * the whole request, so it can check a DPoP proof (RFC 9449) of its method and URL; API Gateway
 * calls it on every request (TTL 0): a proof is single-use, and a cached Allow would let a
 * replayed one through. The access token is verified as the TOKEN authorizer does, then the proof,
 * then its `jti` is claimed in the replay table shared by every container.
 */
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { type DpopConfig, loadDpopConfig } from '../settings/dpop';
import { isLoopbackHost } from '../settings/okta';
import { table } from '../route-table/routes-compiled';
import { type Decision, decide } from './decision';
import type { Target } from './decision-log';
import { DpopProofError, verifyProof } from './dpop';
import { logger } from './logger';
import { loudly, startPipeline } from './pipeline';
import { DynamoReplayStore, type ReplayStore } from './replay-store';
import { authorizerHandler } from './respond';
import { boundContext, boundKey, refuseBoundBearer } from './token-binding';

// The handlers also see which key a DPoP-bound token is bound to.
const pipeline = startPipeline(table, boundContext);
const { verifier } = pipeline;
const dpop: DpopConfig = loudly(loadDpopConfig);
const dynamo = new DynamoReplayStore(dpop.replayTable);
let store: ReplayStore = dynamo;
// The client is built at the cold start (a few ms, no SDK): a region or endpoint that is wrong is
// logged there, and every claim then fails closed (500), never an Allow.
try {
  dynamo.warm();
} catch (error) {
  logger().error('replay store unavailable', { reason: 'replay_store_unavailable', error });
}

/** For tests: another store with the same contract (MemoryReplayStore). */
export function useReplayStore(replacement: ReplayStore): void {
  store = replacement;
}

const DPOP_SCHEME = /^DPoP +([^\s]+)$/i;

export const handler = authorizerHandler<APIGatewayRequestAuthorizerEvent>(
  pipeline,
  table,
  decideRequest,
);

async function decideRequest(
  event: APIGatewayRequestAuthorizerEvent,
  target: Target,
): Promise<Decision> {
  const authorizations = headerValues(event, 'authorization');
  if (authorizations.length > 1) {
    return {
      outcome: 'unauthorized',
      reason: 'malformed_token',
      detail: 'two Authorization headers',
    };
  }
  // Stryker disable next-line OptionalChaining,MethodExpression: API Gateway trims header values; the trim is for other callers only
  const authorization = authorizations[0]?.trim();
  // A route not in the table (API Gateway never sends one) is held to the strictest mode.
  const mode = target.route?.dpop ?? 'required';
  const dpopToken = authorization ? DPOP_SCHEME.exec(authorization)?.[1] : undefined;

  if (dpopToken === undefined) {
    if (mode === 'required' && authorization) {
      return {
        outcome: 'unauthorized',
        reason: 'dpop_required',
        detail:
          'this route takes DPoP-bound tokens only: Authorization: DPoP <token>, with a DPoP proof',
      };
    }
    return refuseBoundBearer(
      await decide(authorization, verifier, target.route),
      'the token is DPoP-bound: send it with the DPoP scheme and a DPoP proof',
    );
  }

  // The token is verified exactly as a Bearer one (decide reads the scheme it is given).
  const decision = await decide(`Bearer ${dpopToken}`, verifier, target.route);
  if (!('claims' in decision)) return decision;
  const { cnf } = decision.claims;
  if (cnf === undefined) {
    return {
      outcome: 'unauthorized',
      reason: 'unbound_token',
      detail:
        'the DPoP scheme needs a DPoP-bound token (one with cnf.jkt); send this one as Bearer',
    };
  }
  const jkt = boundKey(cnf);
  if (jkt === undefined) {
    return { outcome: 'unauthorized', reason: 'invalid_claims', detail: 'cnf has no jkt' };
  }
  const now = Date.now() / 1000;
  let jti: string;
  try {
    ({ jti } = await verifyProof(
      {
        proofs: headerValues(event, 'dpop'),
        method: event.httpMethod,
        url: requestUrl(event),
        accessToken: dpopToken,
        jkt,
        now,
      },
      dpop,
    ));
  } catch (error) {
    if (error instanceof DpopProofError) {
      return { outcome: 'unauthorized', reason: error.reason, detail: error.message };
    }
    return { outcome: 'error', reason: 'internal_error', error };
  }
  if (decision.outcome !== 'allow') return decision;
  // Last, once everything else passed: a refused request does not use up its proof.
  try {
    // Kept until it is too old to pass the iat check anyway.
    const fresh = await store.claim(
      `${jkt}:${jti}`,
      now + dpop.maxAgeSeconds + dpop.futureSkewSeconds,
      now,
    );
    if (!fresh) {
      return {
        outcome: 'unauthorized',
        reason: 'dpop_replay',
        detail: 'this DPoP proof was already used',
      };
    }
  } catch (error) {
    return { outcome: 'error', reason: 'replay_store_unavailable', error };
  }
  return decision;
}

/** Every value of a header, whatever its case: the multi-value headers when API Gateway sends them. */
function headerValues(event: APIGatewayRequestAuthorizerEvent, name: string): string[] {
  if (event.multiValueHeaders) {
    return Object.entries(event.multiValueHeaders).flatMap(([key, list]) =>
      // Stryker disable next-line ArrayDeclaration: API Gateway sends a list for every header it names
      key.toLowerCase() === name ? (list ?? []) : [],
    );
  }
  return Object.entries(event.headers ?? {}).flatMap(([key, value]) =>
    key.toLowerCase() === name && value !== undefined ? [value] : [],
  );
}

/**
 * The URL the client called, from what API Gateway says of it: `requestContext.path` (with the
 * stage on the execute-api domain; `path` drops it) on a host of the allow-list (this API's
 * execute-api domain, DPOP_HOSTS). Never the Host header alone (auth0/node-oauth2-jwt-bearer#244).
 */
export function requestUrl(event: APIGatewayRequestAuthorizerEvent): string {
  const { requestContext } = event;
  // Stryker disable next-line StringLiteral: no domain name or any other is off the allow-list alike
  const host = (requestContext.domainName ?? '').toLowerCase();
  const region = event.methodArn.split(':')[3];
  const own = `${requestContext.apiId}.execute-api.${region}.amazonaws.com`;
  // Stryker disable next-line ConditionalExpression,StringLiteral: an unknown host yields a URL no proof names, as does an empty one
  if (host !== own && !dpop.hosts.includes(host)) return 'https://untrusted.invalid/';
  // Stryker disable next-line Regex: a host name has a colon only before its port
  const scheme = isLoopbackHost(host.replace(/:\d+$/, '')) ? 'http' : 'https';
  return `${scheme}://${host}${requestContext.path}`;
}
