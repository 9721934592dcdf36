// Reads routes.ts beside serverless.yml, attaches the Okta authorizer (custom.oktaAuthorizer) to
// every http event whose route it protects, and refuses a table and wiring that disagree, so
// nothing deploys (or runs offline) half-protected. Runs before package, deploy and offline.
const { join } = require('node:path');
const tsx = require('tsx/cjs/api');

class RouteAccessPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { initialize: () => this.apply() };
  }

  apply() {
    const { service, serviceDir } = this.serverless;
    const fail = (message) => {
      throw new this.serverless.classes.Error(message);
    };
    const load = (module) => tsx.require(join(serviceDir, module), __filename);
    const { compileRouteTable, RouteTableError } = load('authorizer/route-table.ts');
    const { parseRoute, RouteSyntaxError } = load('authorizer/route-patterns.ts');

    let table;
    try {
      table = compileRouteTable(load('routes.ts').routes);
    } catch (error) {
      if (error instanceof RouteTableError) fail(error.message);
      throw error;
    }
    const authorizer = service.custom && service.custom.oktaAuthorizer;
    if (!authorizer)
      fail('serverless.yml: custom.oktaAuthorizer is missing; the protected routes need it.');

    const access = new Map(table.routes.map((route) => [route.key, route.access]));
    const wired = new Map();
    for (const [name, fn] of Object.entries(service.functions || {})) {
      for (const event of fn.events || []) {
        if (!event.http) continue;
        const { method, path } = httpEvent(event.http);
        let key;
        try {
          key = parseRoute(`${method} /${path.replace(/^\/+/, '')}`).key;
        } catch (error) {
          if (error instanceof RouteSyntaxError)
            fail(`serverless.yml, function ${name}: ${error.message}.`);
          throw error;
        }
        if (wired.has(key))
          fail(
            `serverless.yml wires ${key} twice (functions ${wired.get(key)} and ${name}): keep one.`,
          );
        wired.set(key, name);
        if (!access.has(key)) {
          fail(
            `serverless.yml wires ${key} (function ${name}), but routes.ts has no entry for it: ` +
              `add '${key}': 'authenticated' (or { allOf: [...] }, { anyOf: [...] }, 'anonymous') to routes.ts.`,
          );
        }
        const routeAccess = access.get(key);
        if (typeof event.http === 'object' && event.http.authorizer !== undefined) {
          fail(
            routeAccess === 'anonymous'
              ? `${key} is 'anonymous' in routes.ts, but its http event (function ${name}) has an authorizer in serverless.yml: ` +
                  'remove it there, or give the route another access in routes.ts.'
              : `${key}'s http event (function ${name}) sets an authorizer in serverless.yml; routes.ts decides which routes ` +
                  'are protected and the Okta authorizer is attached to them: remove `authorizer` there.',
          );
        }
        if (routeAccess !== 'anonymous') {
          if (typeof event.http === 'string') event.http = { method, path };
          event.http.authorizer = { ...authorizer };
        }
      }
    }
    for (const route of table.routes) {
      if (!wired.has(route.key)) {
        fail(
          `routes.ts has ${route.key}, but no function in serverless.yml has that http event: ` +
            'add the function, or remove the line from routes.ts.',
        );
      }
    }
  }
}

/** `http: GET api/hello` or `http: { method: get, path: api/hello }` */
function httpEvent(http) {
  if (typeof http === 'string') {
    const [method = '', path = ''] = http.trim().split(/\s+/);
    return { method, path };
  }
  return { method: String(http.method || ''), path: String(http.path || '') };
}

module.exports = RouteAccessPlugin;
