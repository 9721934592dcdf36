/**
 * Route templates (`GET /api/messages/{id}`), their IAM resource patterns, and which concrete
 * requests they share. API Gateway routes a request by its resource template; the authorizer's
 * policy can only name IAM patterns, where `*` also spans `/`. This module answers the questions
 * that make a policy exact despite that: which requests a pattern reaches, and which route each
 * of those requests goes to.
 */

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

export class RouteSyntaxError extends Error {
  // Stryker disable next-line StringLiteral: the error's name; compileRouteTable rewraps it
  override name = 'RouteSyntaxError';
}

// RFC 3986 pchar without percent-encoding, and without IAM's wildcards `*` and `?`.
const LITERAL = /^[A-Za-z0-9._~!$&'()+,;=:@-]+$/;
const PARAM = /^\{([A-Za-z_][A-Za-z0-9_]*)(\+?)\}$/;

/** "GET /api/messages/{id}" -> a template; throws RouteSyntaxError with what to write instead. */
export function parseRoute(key: string): RouteTemplate {
  const match = /^\s*([A-Za-z]+)\s+(\/\S*)\s*$/.exec(key);
  if (!match) {
    throw new RouteSyntaxError(
      `"${key}" is not a route: write the method, a space and the path, e.g. "GET /api/messages/{id}"`,
    );
  }
  const method = (match[1] as string).toUpperCase();
  if (method !== 'ANY' && !(METHODS as readonly string[]).includes(method)) {
    throw new RouteSyntaxError(
      `"${key}" has the method ${match[1]}; use one of ${METHODS.join(', ')} or ANY`,
    );
  }
  const path = match[2] as string;
  const parts = pathSegments(path);
  const segments = parts.map((part, index): Segment => {
    const param = PARAM.exec(part);
    if (param) {
      if (param[2] && index !== parts.length - 1) {
        throw new RouteSyntaxError(`"${key}": a greedy {${param[1]}+} must be the last segment`);
      }
      return param[2]
        ? { kind: 'greedy', name: param[1] as string }
        : { kind: 'param', name: param[1] as string };
    }
    if (!LITERAL.test(part)) {
      throw new RouteSyntaxError(
        `"${key}": the path segment "${part}" is not allowed; use letters, digits and -._~ or a whole {param}`,
      );
    }
    return { kind: 'literal', value: part };
  });
  return { key: `${method} ${formatPath(segments)}`, method: method as RouteMethod, segments };
}

/** "/api/messages/42" -> ["api", "messages", "42"]; the root "/" has none. */
export function pathSegments(path: string): string[] {
  return path === '/' ? [] : path.slice(1).split('/');
}

function formatPath(segments: Segment[]): string {
  return `/${segments
    .map((s) =>
      s.kind === 'literal' ? s.value : s.kind === 'param' ? `{${s.name}}` : `{${s.name}+}`,
    )
    .join('/')}`;
}

/**
 * The IAM resource patterns (after `{apiId}/{stage}/`) that cover the route: a parameter becomes `*`.
 * ANY is spelled out per method: a `*` there would also span path segments.
 */
export function resourcePatterns(route: RouteTemplate): string[] {
  const path = route.segments.map((s) => (s.kind === 'literal' ? s.value : '*')).join('/');
  const methods = route.method === 'ANY' ? METHODS : [route.method];
  return methods.map((method) => `${method}/${path}`);
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
