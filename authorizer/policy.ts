import type { APIGatewayAuthorizerResult, PolicyDocument } from 'aws-lambda';
import { type ProtectedRoute, type ProtectedRoutes, satisfies } from '../route-table/compiled';
import type { Callers } from './callers';
import { memo } from './memo';
import type { AccessTokenClaims } from './verifier';

/**
 * What the handlers receive in `requestContext.authorizer`. All strings: API Gateway turns every
 * value into one, so the local stack (which would keep numbers) gets strings too.
 */
export interface AuthorizerContext {
  sub: string;
  cid?: string;
  uid?: string;
  /** The thumbprint of the key a DPoP-bound token is bound to (requests through the DPoP authorizer). */
  jkt?: string;
  /** Space-separated. Not named `scopes`: serverless-offline overwrites that key with the token's `scp`. */
  scope: string;
  issuer: string;
  /** Expiry, seconds since the epoch. */
  exp: string;
  /** The caller routes.ts declares for the token's client (its name: never its key), or `others`. */
  caller?: string;
  [key: string]: string | undefined;
}

/** "arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}" split where the policy needs it. */
export interface MethodArn {
  /** "arn:aws:execute-api:{region}:{account}:{apiId}/{stage}" */
  prefix: string;
  method: string;
  /** "/api/messages/42" */
  path: string;
}

const METHOD_ARN = /^(arn:[^:]+:execute-api:[^:]+:[^:]+:[^/]+\/[^/]+)\/([A-Z]+)(\/.*)$/;
const MAX_ENTRIES = 256;

interface TokenResult {
  prefix: string;
  result: APIGatewayAuthorizerResult;
}

export function parseMethodArn(methodArn: string): MethodArn {
  const match = METHOD_ARN.exec(methodArn);
  if (!match) throw new Error(`Unexpected methodArn: ${methodArn}`);
  return { prefix: match[1] as string, method: match[2] as string, path: match[3] as string };
}

/**
 * API Gateway caches the policy per token for the TTL and applies it to whatever route the token
 * calls next. So the policy depends only on the token's scopes: Allow on every route they satisfy,
 * an explicit Deny on each route they do not satisfy that an allowed pattern reaches (a `*` for a
 * {param} also spans `/`), and a Deny on the whole stage when they satisfy none. route-table.ts
 * refuses tables where such a Deny could also hit an allowed route's requests.
 */
export function createPolicies(
  table: ProtectedRoutes,
  callers?: Callers,
  /** What the handlers receive: the DPoP authorizer adds the key a token is bound to (token-binding.ts). */
  contextOf = toContext,
) {
  // Keyed by the space-joined scope list, and computed from that key. The join loses nothing:
  // readScopes refuses a scope with a space in it. (A token's `scp` comes in the issuer's order.)
  const byStage = memo(MAX_ENTRIES, (prefix: string) =>
    memo(MAX_ENTRIES, (scopes: string) =>
      buildPolicy(table.protectedRoutes, prefix, scopes.split(' ')),
    ),
  );

  /** Computed once per stage and scope list. */
  const policyFor = (prefix: string, scopes: readonly string[]): PolicyDocument =>
    byStage(prefix)(scopes.join(' '));

  return {
    policyFor,
    /** The authorizer's answer for a verified token, computed once per token and stage. */
    forToken(claims: AccessTokenClaims, prefix: string): APIGatewayAuthorizerResult {
      let cached = claims.derived as TokenResult | undefined;
      if (cached?.prefix !== prefix) {
        const context = contextOf(claims);
        const result: APIGatewayAuthorizerResult = {
          principalId: claims.sub,
          policyDocument: policyFor(prefix, claims.scopes),
          context,
        };
        // The caller's usage plan (API Gateway meters it), from the token's client alone.
        const caller = callers?.of(claims.cid);
        if (caller) {
          context.caller = caller.name;
          result.usageIdentifierKey = caller.key;
        }
        cached = { prefix, result };
        claims.derived = cached;
      }
      return cached.result;
    },
  };
}

export function buildPolicy(
  routes: readonly ProtectedRoute[],
  prefix: string,
  scopes: readonly string[],
): PolicyDocument {
  const allowed = routes.filter((route) => satisfies(route.requirement, scopes));
  const denied = routes.filter(
    (route) =>
      !allowed.includes(route) &&
      route.reachedBy.some((index) => allowed.includes(routes[index] as ProtectedRoute)),
  );
  const arns = (route: ProtectedRoute) => route.patterns.map((pattern) => `${prefix}/${pattern}`);
  const statement = (Effect: 'Allow' | 'Deny', Resource: string[]) => ({
    Action: 'execute-api:Invoke',
    Effect,
    Resource,
  });
  return {
    Version: '2012-10-17',
    Statement:
      allowed.length === 0
        ? [statement('Deny', [`${prefix}/*`])]
        : [
            statement('Allow', allowed.flatMap(arns)),
            ...(denied.length > 0 ? [statement('Deny', denied.flatMap(arns))] : []),
          ],
  };
}

export function toContext(claims: AccessTokenClaims): AuthorizerContext {
  const context: AuthorizerContext = {
    sub: claims.sub,
    scope: claims.scopes.join(' '),
    issuer: claims.issuer,
    exp: String(claims.exp),
  };
  if (claims.cid) context.cid = claims.cid;
  if (claims.uid) context.uid = claims.uid;
  return context;
}
