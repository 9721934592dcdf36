import type { APIGatewayAuthorizerResult } from 'aws-lambda';
import type { AccessTokenClaims } from './verifier';

/** What the whoami handler receives in `requestContext.authorizer` (values are primitives). */
export interface AuthorizerContext {
  sub: string;
  cid?: string;
  uid?: string;
  /** Space-separated. Not named `scopes`: serverless-offline overwrites that key with the token's `scp`. */
  scope: string;
  issuer: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
  [key: string]: string | number | undefined;
}

/**
 * API Gateway caches this result per token for the TTL and applies it to every route behind the
 * authorizer. A statement naming only this request's methodArn would deny the next route from the
 * cache, so the statement covers the whole API stage; the verdict depends only on the token.
 */
export function buildPolicy(
  effect: 'Allow' | 'Deny',
  methodArn: string,
  claims: AccessTokenClaims,
): APIGatewayAuthorizerResult {
  return {
    principalId: claims.sub,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [
        { Action: 'execute-api:Invoke', Effect: effect, Resource: stageWildcard(methodArn) },
      ],
    },
    context: toContext(claims),
  };
}

const wildcards = new Map<string, string>();

/** arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{method}/{path} -> .../{apiId}/{stage}/* */
export function stageWildcard(methodArn: string): string {
  let wildcard = wildcards.get(methodArn);
  if (wildcard === undefined) {
    const match = /^(arn:[^:]+:execute-api:[^:]+:[^:]+:[^/]+\/[^/]+)\/.+$/.exec(methodArn);
    if (!match) throw new Error(`Unexpected methodArn: ${methodArn}`);
    wildcard = `${match[1]}/*`;
    // One entry per route and stage of this API; the bound is only a backstop.
    if (wildcards.size < 256) wildcards.set(methodArn, wildcard);
  }
  return wildcard;
}

export function toContext(claims: AccessTokenClaims): AuthorizerContext {
  const context: AuthorizerContext = {
    sub: claims.sub,
    scope: claims.scopes.join(' '),
    issuer: claims.issuer,
    exp: claims.exp,
  };
  if (claims.cid) context.cid = claims.cid;
  if (claims.uid) context.uid = claims.uid;
  return context;
}
