import type { APIGatewayAuthorizerResult, PolicyDocument } from 'aws-lambda';
import { satisfies } from './access';
import type { ProtectedRoute, RouteTable } from './route-table';
import type { AccessTokenClaims } from './verifier';

/**
 * What the handlers receive in `requestContext.authorizer`. All strings: API Gateway turns every
 * value into one, so the local stack (which would keep numbers) gets strings too.
 */
export interface AuthorizerContext {
  sub: string;
  cid?: string;
  uid?: string;
  /** Space-separated. Not named `scopes`: serverless-offline overwrites that key with the token's `scp`. */
  scope: string;
  issuer: string;
  /** Expiry, seconds since the epoch. */
  exp: string;
  [key: string]: string | undefined;
}

/** The one policy for a token's scopes: right for every route, whichever route asked. */
export interface Grant {
  policyDocument: PolicyDocument;
  /** The protected routes these scopes may call. */
  allowed: ReadonlySet<ProtectedRoute>;
}

export interface TokenGrant {
  grant: Grant;
  result: APIGatewayAuthorizerResult;
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
const MAX_GRANTS = 256;

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
export function createPolicies(table: RouteTable) {
  const grants = new Map<string, Grant>();
  const results = new WeakMap<AccessTokenClaims, TokenGrant & { prefix: string }>();
  const known = new Set(table.scopes);

  function grantFor(prefix: string, scopes: readonly string[]): Grant {
    const key = `${prefix} ${scopes
      .filter((scope) => known.has(scope))
      .sort()
      .join(' ')}`;
    let grant = grants.get(key);
    if (grant === undefined) {
      grant = buildGrant(table.protectedRoutes, prefix, scopes);
      if (grants.size >= MAX_GRANTS) grants.clear();
      grants.set(key, grant);
    }
    return grant;
  }

  return {
    grantFor,
    /** The authorizer's answer for a verified token, computed once per token and stage. */
    forToken(claims: AccessTokenClaims, prefix: string): TokenGrant {
      const cached = results.get(claims);
      if (cached?.prefix === prefix) return cached;
      const grant = grantFor(prefix, claims.scopes);
      const entry = {
        prefix,
        grant,
        result: {
          principalId: claims.sub,
          policyDocument: grant.policyDocument,
          context: toContext(claims),
        },
      };
      results.set(claims, entry);
      return entry;
    },
  };
}

export function buildGrant(
  routes: readonly ProtectedRoute[],
  prefix: string,
  scopes: readonly string[],
): Grant {
  const allowed = new Set(routes.filter((route) => satisfies(route.requirement, scopes)));
  const arns = (route: ProtectedRoute) => route.patterns.map((pattern) => `${prefix}/${pattern}`);
  if (allowed.size === 0) {
    return {
      allowed,
      policyDocument: policy([{ effect: 'Deny', resources: [`${prefix}/*`] }]),
    };
  }
  const denied = routes.filter(
    (route) =>
      !allowed.has(route) &&
      route.reachedBy.some((index) => allowed.has(routes[index] as ProtectedRoute)),
  );
  return {
    allowed,
    policyDocument: policy([
      { effect: 'Allow', resources: [...allowed].flatMap(arns) },
      { effect: 'Deny', resources: denied.flatMap(arns) },
    ]),
  };
}

function policy(statements: { effect: 'Allow' | 'Deny'; resources: string[] }[]): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: statements
      .filter((statement) => statement.resources.length > 0)
      .map(({ effect, resources }) => ({
        Action: 'execute-api:Invoke',
        Effect: effect,
        Resource: resources,
      })),
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
