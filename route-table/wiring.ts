/**
 * routes.ts against the http events of serverless.yml: every route in both, and the authorizer on
 * exactly the protected ones. Used by the route-access plugin (package, deploy, offline) and by
 * `npm start` before it launches anything.
 */
import { compileRouteTable, RouteTableError } from './compile';
import { parseRoute, RouteSyntaxError } from './patterns';

type HttpEvent = string | { method?: unknown; path?: unknown; authorizer?: unknown };
export interface ServerlessFunctions {
  [name: string]: { events?: { http?: HttpEvent }[] } | undefined;
}

/**
 * Checks the wiring and attaches `authorizer` to each protected route's http event (in place).
 * Throws RouteTableError with one line that names the route and the fix.
 */
export function wireRoutes(
  routesInput: unknown,
  functions: ServerlessFunctions,
  authorizer: object | undefined,
  dpopAuthorizer?: object,
): void {
  const table = compileRouteTable(routesInput);
  if (!authorizer) {
    throw new RouteTableError(
      'serverless.yml: custom.oktaAuthorizer is missing; the protected routes need it.',
    );
  }
  const dpopRoute = table.routes.find((route) => route.dpop !== 'off');
  if (dpopRoute && !dpopAuthorizer) {
    throw new RouteTableError(
      `serverless.yml: custom.oktaDpopAuthorizer is missing; ${dpopRoute.key} takes DPoP (routes.ts) and needs the REQUEST authorizer.`,
    );
  }
  const access = new Map(table.routes.map((route) => [route.key, route.access]));
  const dpop = new Map(table.routes.map((route) => [route.key, route.dpop]));
  const wired = new Map<string, string>();
  for (const [name, fn] of Object.entries(functions)) {
    for (const event of fn?.events ?? []) {
      if (!event.http) continue;
      const { method, path } = httpEvent(event.http);
      const key = routeKey(name, method, path);
      const twice = wired.get(key);
      if (twice !== undefined) {
        throw new RouteTableError(
          `serverless.yml wires ${key} twice (functions ${twice} and ${name}): keep one.`,
        );
      }
      wired.set(key, name);
      const routeAccess = access.get(key);
      if (routeAccess === undefined) {
        throw new RouteTableError(
          `serverless.yml wires ${key} (function ${name}), but routes.ts has no entry for it: ` +
            `add '${key}': 'authenticated' (or { allOf: [...] }, { anyOf: [...] }, 'anonymous') to routes.ts.`,
        );
      }
      if (typeof event.http === 'object' && event.http.authorizer !== undefined) {
        throw new RouteTableError(
          routeAccess === 'anonymous'
            ? `${key} is 'anonymous' in routes.ts, but its http event (function ${name}) has an authorizer in serverless.yml: ` +
                'remove it there, or give the route another access in routes.ts.'
            : `${key}'s http event (function ${name}) sets an authorizer in serverless.yml; routes.ts decides which routes ` +
                'are protected and the Okta authorizer is attached to them: remove `authorizer` there.',
        );
      }
      if (routeAccess !== 'anonymous') {
        if (typeof event.http === 'string') event.http = { method, path };
        // DPoP routes: the REQUEST authorizer (its own name: serverless merges authorizers that share one).
        event.http.authorizer = { ...(dpop.get(key) === 'off' ? authorizer : dpopAuthorizer) };
      }
    }
  }
  for (const route of table.routes) {
    if (!wired.has(route.key)) {
      throw new RouteTableError(
        `routes.ts has ${route.key}, but no function in serverless.yml has that http event: ` +
          'add the function, or remove the line from routes.ts.',
      );
    }
  }
}

/** `http: GET api/hello` or `http: { method: get, path: api/hello }` */
function httpEvent(http: HttpEvent): { method: string; path: string } {
  if (typeof http === 'string') {
    const [method = '', path = ''] = http.trim().split(/\s+/);
    return { method, path };
  }
  return { method: String(http.method ?? ''), path: String(http.path ?? '') };
}

function routeKey(name: string, method: string, path: string): string {
  try {
    return parseRoute(`${method} /${path.replace(/^\/+/, '')}`).key;
  } catch (error) {
    if (error instanceof RouteSyntaxError) {
      throw new RouteTableError(`serverless.yml, function ${name}: ${error.message}.`);
    }
    throw error;
  }
}
