/**
 * RFC 9449 section 7.2: a DPoP-bound access token (one with `cnf.jkt`) presented as a Bearer token
 * must not be accepted, or the binding would protect nothing. Used by both authorizers; the DPoP
 * one also hands the key a token is bound to on to the handlers.
 */
import type { Decision } from './decision';
import { type AuthorizerContext, toContext } from './policy';
import type { AccessTokenClaims } from './verifier';

/** `detail` says what the route takes instead. Any `cnf` binds a token, whatever it holds. */
export function refuseBoundBearer(decision: Decision, detail: string): Decision {
  if (!('claims' in decision) || decision.claims.cnf === undefined) return decision;
  return { outcome: 'unauthorized', reason: 'dpop_bound_token', detail };
}

/** `cnf.jkt` of a bound token; undefined when `cnf` holds no thumbprint. */
export function boundKey(cnf: unknown): string | undefined {
  const jkt = (cnf as { jkt?: unknown } | null | undefined)?.jkt;
  return typeof jkt === 'string' ? jkt : undefined;
}

/**
 * The DPoP authorizer's context: the token's (toContext), and the key a bound token is bound to,
 * which the handlers may read (POST /api/messages answers with it). Only this authorizer lets a
 * bound token through.
 */
export function boundContext(claims: AccessTokenClaims): AuthorizerContext {
  const context = toContext(claims);
  const jkt = boundKey(claims.cnf);
  if (jkt) context.jkt = jkt;
  return context;
}
