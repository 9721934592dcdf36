import {
  canPassBothWithout,
  describeRequirement,
  missingScopes,
  satisfies,
} from '../../../route-table/access';
import {
  bearerRoutes,
  compileRouteTable,
  RouteTableError,
  routeScopes,
  withDpop,
} from '../../../route-table/compile';
import {
  parseRoute,
  pathSegments,
  precedence,
  resourcePatterns,
  routeOf,
  type RouteTemplate,
} from '../../../route-table/patterns';
import { routes } from '../../../routes';

const lookup = (all: RouteTemplate[]) => (method: string, path: string) =>
  routeOf(all, method, pathSegments(path));

describe('the shipped table', () => {
  const table = compileRouteTable(routes);
  const routeFor = lookup(table.routes);

  it('reads as the README says', () => {
    expect(table.routes.map((route) => [route.key, route.access])).toEqual([
      ['GET /api/hello', 'anonymous'],
      ['GET /api/whoami', { kind: 'allOf', scopes: ['AccessAll'] }],
      ['GET /api/messages', { kind: 'anyOf', scopes: ['ReadOnly', 'AccessAll'] }],
      ['POST /api/messages', { kind: 'allOf', scopes: ['AccessAll'] }],
    ]);
    expect(table.routes.map((route) => route.dpop)).toEqual(['off', 'off', 'off', 'required']);
    expect(table.scopes).toEqual(['AccessAll', 'ReadOnly']);
    expect(table.protectedRoutes.map((route) => [route.key, route.dpop])).toEqual([
      ['GET /api/whoami', 'off'],
      ['GET /api/messages', 'off'],
      ['POST /api/messages', 'required'],
    ]);
  });

  it('gives the TOKEN authorizer the Bearer routes only, without a mode (it reads none)', () => {
    const bearer = bearerRoutes(routes);
    expect(bearer.protectedRoutes.map((route) => route.key)).toEqual([
      'GET /api/whoami',
      'GET /api/messages',
    ]);
    for (const route of bearer.protectedRoutes) expect(route).not.toHaveProperty('dpop');
    expect(bearer.scopes).toEqual(['AccessAll', 'ReadOnly']);
    // Only DPoP routes: the TOKEN authorizer has none.
    expect(bearerRoutes({ 'POST /x': { allOf: ['A'], dpop: 'allowed' } }).protectedRoutes).toEqual(
      [],
    );
  });

  it('names the scopes of each protected route for the handlers, none for authenticated', () => {
    expect(routeScopes(compileRouteTable(routes))).toEqual({
      'GET /api/whoami': ['AccessAll'],
      'GET /api/messages': ['ReadOnly', 'AccessAll'],
      'POST /api/messages': ['AccessAll'],
    });
    const table = compileRouteTable({ 'GET /a': 'authenticated', 'GET /b': 'anonymous' });
    expect(routeScopes(table)).toEqual({ 'GET /a': [] });
  });

  it('finds the route of a request, and none for an unknown path or method', () => {
    expect(routeFor('GET', '/api/whoami')?.key).toBe('GET /api/whoami');
    expect(routeFor('GET', '/api/messages')?.key).toBe('GET /api/messages');
    expect(routeFor('GET', '/api/hello')?.key).toBe('GET /api/hello');
    expect(routeFor('POST', '/api/whoami')).toBeUndefined();
    expect(routeFor('GET', '/api/whoami/x')).toBeUndefined();
  });
});

describe('route syntax and ARN mapping', () => {
  it.each([
    ['GET /api/hello', 'GET /api/hello', ['GET/api/hello']],
    ['get   /api/messages/{id}', 'GET /api/messages/{id}', ['GET/api/messages/*']],
    ['POST /api/{proxy+}', 'POST /api/{proxy+}', ['POST/api/*']],
    ['DELETE /', 'DELETE /', ['DELETE/']],
    [
      'ANY /api/files/{id}',
      'ANY /api/files/{id}',
      ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'].map(
        (method) => `${method}/api/files/*`,
      ),
    ],
  ])('%s -> %s -> %j', (key, normalised, patterns) => {
    const route = parseRoute(key);
    expect(route.key).toBe(normalised);
    expect(resourcePatterns(route)).toEqual(patterns);
  });

  it('ranks literal over {param} over {greedy+}, left to right, then a method over ANY', () => {
    const rank = (a: string, b: string) => Math.sign(precedence(parseRoute(a), parseRoute(b)));
    expect(rank('GET /a/b', 'GET /a/{x}')).toBe(-1);
    expect(rank('GET /a/{x}', 'GET /a/{p+}')).toBe(-1);
    expect(rank('GET /{x}/b', 'GET /a/{y}')).toBe(1);
    expect(rank('GET /a/{x}', 'ANY /a/{x}')).toBe(-1);
    expect(rank('ANY /a/b', 'GET /a/{x}')).toBe(-1);
  });

  it('finds the route API Gateway would choose among overlapping ones', () => {
    const table = compileRouteTable({
      'GET /api/messages/{id}': 'authenticated',
      'GET /api/messages/latest': 'authenticated',
      'ANY /api/{proxy+}': 'authenticated',
      'GET /api/messages/{id}/admin': 'authenticated',
    });
    const routeFor = lookup(table.routes);
    expect(routeFor('GET', '/api/messages/latest')?.key).toBe('GET /api/messages/latest');
    expect(routeFor('GET', '/api/messages/7')?.key).toBe('GET /api/messages/{id}');
    expect(routeFor('GET', '/api/messages/7/admin')?.key).toBe('GET /api/messages/{id}/admin');
    expect(routeFor('POST', '/api/messages/7')?.key).toBe('ANY /api/{proxy+}');
    expect(routeFor('GET', '/api/a/b/c')?.key).toBe('ANY /api/{proxy+}');
    expect(routeFor('GET', '/other')).toBeUndefined();
  });
});

describe('every mistake is refused with the route and the fix', () => {
  it.each([
    [[], /must export `routes`, an object/],
    [
      { '/api/x': 'anonymous' },
      /"\/api\/x" is not a route: write the method, a space and the path/,
    ],
    [{ 'FETCH /api/x': 'anonymous' }, /has the method FETCH; use one of DELETE, GET/],
    [{ 'GET api/x': 'anonymous' }, /is not a route/],
    [{ 'GET /api//x': 'anonymous' }, /the path segment "" is not allowed/],
    [{ 'GET /api/x*': 'anonymous' }, /the path segment "x\*" is not allowed/],
    [{ 'GET /api/{a+}/x': 'anonymous' }, /greedy \{a\+\} must be the last segment/],
    [
      { 'GET /api/x': 'public' },
      /GET \/api\/x has the access "public"; use 'anonymous', 'authenticated'/,
    ],
    [{ 'GET /api/x': { someOf: ['A'] } }, /has the access \{"someOf":\["A"\]\}/],
    [{ 'GET /api/x': { allOf: ['A'], anyOf: ['B'] } }, /has the access/],
    [{ 'GET /api/x': { allOf: [] } }, /needs a non-empty list of scopes in allOf.*'authenticated'/],
    [{ 'GET /api/x': { anyOf: 'A' } }, /needs a non-empty list of scopes in anyOf/],
    [
      { 'GET /api/x': { allOf: ['Access All'] } },
      /has the scope "Access All", which is not a scope name/,
    ],
    [{ 'GET /api/x': { anyOf: ['ok', 7] } }, /has the scope 7/],
    [{ 'GET /api/x': 'anonymous', 'get /api/x': 'authenticated' }, /lists GET \/api\/x twice/],
    [
      { 'GET /a/{id}': 'anonymous', 'POST /a/{name}': 'anonymous' },
      /name the same path segment \{id\} and \{name\}/,
    ],
    [
      { 'GET /a/{p+}': 'anonymous', 'POST /a/{q+}': 'anonymous' },
      /name the same path segment \{p\+\} and \{q\+\}/,
    ],
    [
      { 'GET /a/{p+}': 'anonymous', 'POST /a/{p}': 'anonymous' },
      /name the same path segment \{p\+\} and \{p\}/,
    ],
    [{ 'GET /api/x': {} }, /has the access \{\}/],
    [
      { 'GET /api/{p+}': { allOf: ['A'] }, 'GET /api/x/{y}': { allOf: ['B'] } },
      /GET \/api\/\{p\+\} and GET \/api\/x\/\{y\} overlap in a way an IAM policy cannot tell apart/,
    ],
  ])('%j', (input, message) => {
    expect(() => compileRouteTable(input)).toThrow(RouteTableError);
    expect(() => compileRouteTable(input)).toThrow(message);
  });

  it('accepts overlaps that an exact policy can express', () => {
    expect(() =>
      compileRouteTable({
        'GET /api/{proxy+}': 'authenticated',
        'GET /api/admin': { allOf: ['Admin'] },
        'GET /v2/messages/{id}': { anyOf: ['ReadOnly'] },
        'GET /v2/messages/{id}/admin': { allOf: ['Admin'] },
        'GET /v2/messages/latest': 'authenticated',
      }),
    ).not.toThrow();
  });

  it('refuses a {param} route beside a {greedy+} one whose requests its `*` would also deny', () => {
    expect(() =>
      compileRouteTable({
        'GET /api/{proxy+}': 'authenticated',
        'GET /api/messages/{id}': { anyOf: ['ReadOnly'] },
      }),
    ).toThrow(/GET \/api\/messages\/\{id\} and GET \/api\/\{proxy\+\} overlap/);
  });
});

describe('access', () => {
  const all = { kind: 'allOf', scopes: ['A', 'B'] } as const;
  const any = { kind: 'anyOf', scopes: ['A', 'B'] } as const;
  const auth = { kind: 'authenticated' } as const;

  it.each([
    [all, ['A', 'B', 'C'], true],
    [all, ['A'], false],
    [any, ['B'], true],
    [any, ['C'], false],
    [any, [], false],
    [auth, [], true],
  ])('%j with %j: %p', (requirement, scopes, expected) => {
    expect(satisfies(requirement, scopes)).toBe(expected);
  });

  it('names the scopes a token lacks: none for any valid token', () => {
    expect(missingScopes(auth, [])).toEqual([]);
    expect(missingScopes(all, ['B'])).toEqual(['A']);
    expect(missingScopes(any, ['C'])).toEqual(['A', 'B']);
  });

  it('describes a requirement for people', () => {
    expect(describeRequirement(auth)).toBe('any valid access token');
    expect(describeRequirement(all)).toBe('all of A, B');
    expect(describeRequirement(any)).toBe('any of A, B');
  });

  it('knows when one token can pass two requirements and fail a third', () => {
    expect(canPassBothWithout(all, auth, all)).toBe(false);
    expect(
      canPassBothWithout({ kind: 'anyOf', scopes: ['A'] }, auth, { kind: 'anyOf', scopes: ['A'] }),
    ).toBe(false);
    expect(canPassBothWithout(any, auth, { kind: 'anyOf', scopes: ['A'] })).toBe(true);
    expect(canPassBothWithout(auth, auth, any)).toBe(true);
    expect(canPassBothWithout(all, auth, any)).toBe(false);
    expect(canPassBothWithout(any, any, all)).toBe(true);
    expect(
      canPassBothWithout({ kind: 'allOf', scopes: ['A'] }, { kind: 'allOf', scopes: ['B'] }, all),
    ).toBe(false);
  });
});

it('compiles to plain data, as the build bundles it', () => {
  const table = compileRouteTable(routes);
  expect(JSON.parse(JSON.stringify(table))).toEqual(table);
});

describe('the dpop mode of a route', () => {
  it("is 'off' unless an object access names another, for 'authenticated' too", () => {
    const table = compileRouteTable({
      'GET /a': 'authenticated',
      'GET /b': { authenticated: true, dpop: 'allowed' },
      'GET /c': { anyOf: ['X'], dpop: 'required' },
      'GET /d': { allOf: ['X'], dpop: 'off' },
      'GET /e': 'anonymous',
    });
    expect(table.routes.map((r) => [r.key, r.dpop])).toEqual([
      ['GET /a', 'off'],
      ['GET /b', 'allowed'],
      ['GET /c', 'required'],
      ['GET /d', 'off'],
      ['GET /e', 'off'],
    ]);
    expect(table.routes[1]?.access).toEqual({ kind: 'authenticated' });
  });

  it.each([
    [
      'an unknown mode',
      { 'GET /a': { allOf: ['X'], dpop: 'yes' } },
      /GET \/a has dpop "yes"; use 'off', 'allowed' or 'required'/,
    ],
    [
      'a mode of no kind',
      { 'GET /a': { dpop: 'required' } },
      /GET \/a has the access \{"dpop":"required"\}/,
    ],
    ['authenticated: false', { 'GET /a': { authenticated: false } }, /GET \/a has the access/],
    [
      'allOf: true',
      { 'GET /a': { allOf: true } },
      /GET \/a needs a non-empty list of scopes in allOf/,
    ],
    [
      'authenticated beside a scope list',
      { 'GET /a': { authenticated: true, allOf: ['X'] } },
      /GET \/a has the access/,
    ],
  ])('refuses %s in one line', (_name, input, message) => {
    expect(() => compileRouteTable(input)).toThrow(RouteTableError);
    expect(() => compileRouteTable(input)).toThrow(message);
  });

  it('withDpop sets every protected route in one line; a route that names its own keeps it', () => {
    const table = compileRouteTable(
      withDpop('allowed', {
        'GET /hello': 'anonymous',
        'GET /me': 'authenticated',
        'GET /list': { anyOf: ['R', 'W'] },
        'POST /list': { allOf: ['W'], dpop: 'required' },
        'GET /legacy': { allOf: ['R'], dpop: 'off' },
      }),
    );
    expect(table.routes.map((r) => [r.key, r.dpop])).toEqual([
      ['GET /hello', 'off'],
      ['GET /me', 'allowed'],
      ['GET /list', 'allowed'],
      ['POST /list', 'required'],
      ['GET /legacy', 'off'],
    ]);
  });
});
