import { type Access, canPassBothWithout, type Requirement } from './access';
import { patternReachesRouteOf, routesTakingFrom } from './overlap';
import { parseRoute, resourcePatterns, type RouteTemplate, RouteSyntaxError } from './patterns';

import { DPOP_MODES, type DpopMode, type ProtectedRoute, type ProtectedRoutes } from './compiled';

export { DPOP_MODES, type DpopMode, type ProtectedRoute, type ProtectedRoutes } from './compiled';

/** A protected route's access, with its DPoP mode; `{ authenticated: true }` is 'authenticated' with options. */
export type AccessWithOptions =
  | { allOf: readonly string[]; dpop?: DpopMode }
  | { anyOf: readonly string[]; dpop?: DpopMode }
  | { authenticated: true; dpop?: DpopMode };

export type RouteTableInput = Readonly<Record<string, Access | AccessWithOptions>>;

export interface Route extends RouteTemplate {
  access: 'anonymous' | Requirement;
  /** 'off' for anonymous routes. */
  dpop: DpopMode;
}

export interface RouteTable extends ProtectedRoutes {
  routes: Route[];
}

export class RouteTableError extends Error {
  override name = 'RouteTableError';
}

// RFC 6749 section 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
const ACCESS_KINDS =
  "'anonymous', 'authenticated', { allOf: ['Scope', ...] } or { anyOf: ['Scope', ...] } (each object may add dpop: 'off' | 'allowed' | 'required')";

/** Parses and checks routes.ts; every mistake is a RouteTableError that names the route and the fix. */
export function compileRouteTable(input: unknown): RouteTable {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new RouteTableError(
      "routes.ts must export `routes`, an object of 'METHOD /path': access.",
    );
  }
  const routes: Route[] = [];
  const keys = new Map<string, string>();
  for (const [key, access] of Object.entries(input)) {
    let template: RouteTemplate;
    try {
      template = parseRoute(key);
    } catch (error) {
      if (error instanceof RouteSyntaxError)
        throw new RouteTableError(`routes.ts: ${error.message}.`);
      throw error;
    }
    const earlier = keys.get(template.key);
    if (earlier !== undefined) {
      throw new RouteTableError(
        `routes.ts lists ${template.key} twice ("${earlier}" and "${key}"): keep one.`,
      );
    }
    keys.set(template.key, key);
    const parsed = parseAccess(template.key, access);
    routes.push({ ...template, access: parsed, dpop: parseDpop(template.key, access) });
  }
  checkParamNames(routes);
  const protectedRoutes = routes
    .filter((route): route is Route & { access: Requirement } => route.access !== 'anonymous')
    .map((route): ProtectedRoute => ({
      key: route.key,
      method: route.method,
      segments: route.segments,
      requirement: route.access,
      dpop: route.dpop,
      patterns: resourcePatterns(route),
      reachedBy: [],
    }));
  const winners = new Map(
    protectedRoutes.map((route) => [route, routesTakingFrom(route, routes)] as const),
  );
  const reaches = (pattern: ProtectedRoute, route: ProtectedRoute) =>
    // Stryker disable next-line ConditionalExpression: a route in its own reachedBy changes no policy (it is never both allowed and denied) and no refusal
    pattern !== route && patternReachesRouteOf(pattern, route, winners.get(route) ?? []);
  for (const route of protectedRoutes) {
    route.reachedBy = protectedRoutes.flatMap((other, index) =>
      reaches(other, route) ? [index] : [],
    );
  }
  checkExpressible(protectedRoutes, reaches);

  return {
    routes,
    protectedRoutes,
    scopes: [
      ...new Set(
        protectedRoutes.flatMap((route) =>
          route.requirement.kind === 'authenticated' ? [] : route.requirement.scopes,
        ),
      ),
    ].sort(),
  };
}

function parseAccess(route: string, access: unknown): Route['access'] {
  if (access === 'anonymous') return 'anonymous';
  if (access === 'authenticated') return { kind: 'authenticated' };
  if (typeof access === 'object' && access !== null && !Array.isArray(access)) {
    const entries = Object.entries(access).filter(([key]) => key !== 'dpop');
    if (entries.length === 1 && entries[0]?.[0] === 'authenticated' && entries[0][1] === true) {
      return { kind: 'authenticated' };
    }
    // Stryker disable next-line ArrayDeclaration: with no entry, the length check below refuses it whatever this holds
    const [kind, scopes] = entries[0] ?? [];
    if (entries.length === 1 && (kind === 'allOf' || kind === 'anyOf')) {
      return { kind, scopes: parseScopes(route, kind, scopes) };
    }
  }
  throw new RouteTableError(
    `routes.ts: ${route} has the access ${JSON.stringify(access)}; use ${ACCESS_KINDS}.`,
  );
}

/** Only an object access (a protected route: parseAccess has read it) may carry `dpop`. */
function parseDpop(route: string, access: unknown): DpopMode {
  if (typeof access !== 'object' || access === null || !('dpop' in access)) return 'off';
  const { dpop } = access as { dpop: unknown };
  if (!DPOP_MODES.includes(dpop as DpopMode)) {
    throw new RouteTableError(
      `routes.ts: ${route} has dpop ${JSON.stringify(dpop)}; use 'off', 'allowed' or 'required' on a protected route.`,
    );
  }
  return dpop as DpopMode;
}

/** The table of the routes the TOKEN authorizer serves: the protected ones whose dpop is 'off'. */
export function bearerRoutes(input: RouteTableInput): ProtectedRoutes {
  const full = compileRouteTable(input);
  const kept = Object.entries(input).filter((_, index) => full.routes[index]?.dpop === 'off');
  const { protectedRoutes, scopes } = compileRouteTable(Object.fromEntries(kept));
  // Stryker disable next-line ObjectLiteral: the mode is dropped to keep the TOKEN authorizer's bundle small; nothing there reads it
  return { protectedRoutes: protectedRoutes.map(({ dpop: _off, ...route }) => route), scopes };
}

/**
 * The scopes each protected route names, by its key (none for 'authenticated'): all of them for
 * allOf, any one for anyOf. What a handler reads of its own route (handlers/messages.ts).
 */
export function routeScopes(table: ProtectedRoutes): Record<string, readonly string[]> {
  return Object.fromEntries(
    table.protectedRoutes.map(({ key, requirement }) => [
      key,
      requirement.kind === 'authenticated' ? [] : requirement.scopes,
    ]),
  );
}

/**
 * The one-line way to set the DPoP mode of every protected route: `withDpop('allowed', { ... })`.
 * A route that names its own mode keeps it; anonymous routes have none.
 */
export function withDpop<T extends RouteTableInput>(dpop: DpopMode, routes: T): RouteTableInput {
  return Object.fromEntries(
    Object.entries(routes).map(([key, access]) => {
      if (access === 'anonymous') return [key, access];
      if (access === 'authenticated') return [key, { authenticated: true, dpop }];
      return [key, { dpop, ...access }];
    }),
  );
}

function parseScopes(route: string, kind: string, scopes: unknown): string[] {
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw new RouteTableError(
      `routes.ts: ${route} needs a non-empty list of scopes in ${kind}, e.g. { ${kind}: ['AccessAll'] }; ` +
        "for any valid token write 'authenticated'.",
    );
  }
  for (const scope of scopes) {
    if (typeof scope !== 'string' || !SCOPE_TOKEN.test(scope)) {
      throw new RouteTableError(
        `routes.ts: ${route} has the scope ${JSON.stringify(scope)}, which is not a scope name ` +
          '(one word of printable ASCII, no spaces, quotes or backslashes, as Okta scopes are).',
      );
    }
  }
  return [...new Set(scopes as string[])];
}

/** API Gateway allows one parameter name per position of a resource path. */
function checkParamNames(routes: Route[]): void {
  const names = new Map<string, { name: string; route: string }>();
  for (const route of routes) {
    // Stryker disable next-line StringLiteral: the same start for every key changes no comparison
    let prefix = '';
    for (const segment of route.segments) {
      if (segment.kind !== 'literal') {
        const seen = names.get(prefix);
        const name = segment.kind === 'greedy' ? `${segment.name}+` : segment.name;
        if (seen && seen.name !== name) {
          throw new RouteTableError(
            `routes.ts: ${seen.route} and ${route.key} name the same path segment {${seen.name}} and {${name}}; ` +
              'API Gateway needs one name there: use the same in both.',
          );
        }
        names.set(prefix, { name, route: route.key });
      }
      // Stryker disable next-line StringLiteral: literals are never empty, so any marker for a parameter keeps the keys apart
      prefix += `/${segment.kind === 'literal' ? segment.value : '{}'}`;
    }
  }
}

/**
 * The policy allows each route a token may call and explicitly denies each route it may not call
 * whose requests an allowed route's IAM pattern matches. That is exact unless such a Deny can
 * also match requests of a route the same token may call: refuse such a table rather than answer
 * wrongly for it.
 */
function checkExpressible(
  routes: ProtectedRoute[],
  reaches: (pattern: ProtectedRoute, route: ProtectedRoute) => boolean,
): void {
  for (const denied of routes) {
    for (const allowed of routes) {
      if (!reaches(denied, allowed)) continue;
      const denyEmittedWithAllowed = denied.reachedBy.some((index) =>
        canPassBothWithout(
          allowed.requirement,
          (routes[index] as ProtectedRoute).requirement,
          denied.requirement,
        ),
      );
      if (denyEmittedWithAllowed) {
        throw new RouteTableError(
          `routes.ts: ${denied.key} and ${allowed.key} overlap in a way an IAM policy cannot tell apart ` +
            `(${denied.key}'s pattern ${denied.patterns[0]} also matches requests for ${allowed.key}), and a token ` +
            'may call one but not the other. Give them the same access, or change one path so they do not overlap.',
        );
      }
    }
  }
}
