/**
 * The compiled route table: the one link between build time and run time. routes.ts is checked
 * and compiled by route-table/compile.ts when the bundle is built; the authorizers receive the
 * result (routes-compiled.ts) and read it with what this module holds, its types and the
 * few functions that answer "which route is this request" and "do these scopes pass". Nothing
 * else of route-table/ ships.
 */

/**
 * Which token a protected route takes (RFC 9449): 'off', Bearer only (the cached TOKEN
 * authorizer); 'allowed', Bearer or DPoP; 'required', DPoP-bound tokens with a proof only. The
 * last two go through the REQUEST authorizer, uncached: each proof is single-use.
 */
export type DpopMode = 'off' | 'allowed' | 'required';
export const DPOP_MODES: readonly DpopMode[] = ['off', 'allowed', 'required'];

export const METHODS = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'] as const;
export type HttpMethod = (typeof METHODS)[number];
export type RouteMethod = HttpMethod | 'ANY';

export type Segment =
  | { kind: 'literal'; value: string }
  | { kind: 'param'; name: string }
  | { kind: 'greedy'; name: string };

export interface RouteTemplate {
  /** `GET /api/messages/{id}`, normalised. */
  key: string;
  method: RouteMethod;
  segments: Segment[];
}

export interface ProtectedRoute extends RouteTemplate {
  requirement: Requirement;
  /** Left out of the TOKEN authorizer's table (bearerRoutes), where every route is 'off'. */
  dpop?: DpopMode;
  /** IAM resource patterns, after `{apiId}/{stage}/`. */
  patterns: string[];
  /** Indexes of the protected routes whose IAM patterns match a request API Gateway sends to this one. */
  reachedBy: number[];
}

/** What the authorizer needs: plain data, so the build can compile it once and bundle the result. */
export interface ProtectedRoutes {
  protectedRoutes: ProtectedRoute[];
  /** Every scope the table names, sorted. */
  scopes: string[];
}

/** What a protected route requires of a valid token. */
export type Requirement =
  | { kind: 'authenticated' }
  | { kind: 'allOf'; scopes: readonly string[] }
  | { kind: 'anyOf'; scopes: readonly string[] };

export function satisfies(requirement: Requirement, scopes: readonly string[]): boolean {
  switch (requirement.kind) {
    case 'authenticated':
      return true;
    case 'allOf':
      return requirement.scopes.every((scope) => scopes.includes(scope));
    case 'anyOf':
      return requirement.scopes.some((scope) => scopes.includes(scope));
  }
}

/** For the log of a 403: the scopes that would have let the token in (any one of them, for anyOf). */
export function missingScopes(requirement: Requirement, scopes: readonly string[]): string[] {
  if (requirement.kind === 'authenticated') return [];
  return requirement.scopes.filter((scope) => !scopes.includes(scope));
}

/** "/api/messages/42" -> ["api", "messages", "42"]; the root "/" has none. */
export function pathSegments(path: string): string[] {
  return path === '/' ? [] : path.slice(1).split('/');
}

/** Whether `template` matches a concrete request. */
export function matches(route: RouteTemplate, method: string, path: string[]): boolean {
  if (route.method !== 'ANY' && route.method !== method) return false;
  const { segments } = route;
  for (let i = 0; i < segments.length; i += 1) {
    const segment = segments[i] as Segment;
    if (segment.kind === 'greedy') return path.length > i;
    const part = path[i];
    if (!part) return false;
    if (segment.kind === 'literal' && segment.value !== part) return false;
  }
  return path.length === segments.length;
}

const RANK = { literal: 0, param: 1, greedy: 2 } as const;

/**
 * API Gateway's choice between two routes that both match a request: left to right, a literal
 * segment beats a {param}, which beats a {greedy+}; on the same resource an explicit method beats
 * ANY. Negative when `a` wins.
 */
export function precedence(a: RouteTemplate, b: RouteTemplate): number {
  // A greedy segment is the last: comparing as far as the shorter template is enough.
  const length = Math.min(a.segments.length, b.segments.length);
  for (let i = 0; i < length; i += 1) {
    const diff = RANK[(a.segments[i] as Segment).kind] - RANK[(b.segments[i] as Segment).kind];
    if (diff !== 0) return diff;
  }
  return (a.method === 'ANY' ? 1 : 0) - (b.method === 'ANY' ? 1 : 0);
}

/** The route API Gateway sends this request to, among `routes`. */
export function routeOf<T extends RouteTemplate>(
  routes: readonly T[],
  method: string,
  path: string[],
): T | undefined {
  let best: T | undefined;
  for (const route of routes) {
    // Stryker disable next-line EqualityOperator: distinct routes of a valid table that match one request never tie
    if (matches(route, method, path) && (!best || precedence(route, best) < 0)) best = route;
  }
  return best;
}
