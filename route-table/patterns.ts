/**
 * Route templates (`GET /api/messages/{id}`), their IAM resource patterns, and which concrete
 * requests they share. API Gateway routes a request by its resource template; the authorizer's
 * policy can only name IAM patterns, where `*` also spans `/`. This module answers the questions
 * that make a policy exact despite that: which requests a pattern reaches, and which route each
 * of those requests goes to.
 */
import {
  METHODS,
  pathSegments,
  type RouteMethod,
  type RouteTemplate,
  type Segment,
} from './compiled';

export {
  type HttpMethod,
  matches,
  METHODS,
  pathSegments,
  precedence,
  routeOf,
  type RouteMethod,
  type RouteTemplate,
  type Segment,
} from './compiled';

export class RouteSyntaxError extends Error {
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
