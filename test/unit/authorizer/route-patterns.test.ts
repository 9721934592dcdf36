import { compileRouteTable, RouteTableError } from '../../../route-table/compile';
import { parseRoute, pathSegments, precedence, routeOf } from '../../../route-table/patterns';
import { overlaps } from '../../../route-table/overlap';

describe('parseRoute', () => {
  it.each([
    ['  GET /api/x  ', 'GET /api/x'],
    ['post\t/api/{id}', 'POST /api/{id}'],
    ['GET /api/{_id9}', 'GET /api/{_id9}'],
    ["GET /api/a.b~c-d_e!$&'()+,;=:@", "GET /api/a.b~c-d_e!$&'()+,;=:@"],
  ])('reads %p as %p', (key, normalised) => {
    expect(parseRoute(key).key).toBe(normalised);
  });

  it.each([
    ['1GET /api/x', /is not a route/],
    ['GET /api/x y', /is not a route/],
    ['GET /api/*x', /the path segment "\*x" is not allowed/],
    ['GET /api/x?', /the path segment "x\?" is not allowed/],
    ['GET /api/x{id}', /the path segment "x\{id\}" is not allowed/],
    ['GET /api/{id}x', /the path segment "\{id\}x" is not allowed/],
    ['GET /api/{9id}', /the path segment "\{9id\}" is not allowed/],
    ['GET /api/{id+}/x', /greedy \{id\+\} must be the last segment/],
  ])('refuses %p', (key, message) => {
    expect(() => parseRoute(key)).toThrow(message);
    expect(() => compileRouteTable({ [key]: 'anonymous' })).toThrow(RouteTableError);
  });
});

describe('which route API Gateway picks', () => {
  const routes = ['GET /api/{id}', 'ANY /api/{proxy+}', 'GET /api/x/{y}'].map(parseRoute);
  const pick = (method: string, path: string) => routeOf(routes, method, pathSegments(path))?.key;

  it('a greedy parameter needs at least one segment', () => {
    expect(pick('GET', '/api')).toBeUndefined();
    expect(pick('POST', '/api/a')).toBe('ANY /api/{proxy+}');
  });

  it('an empty segment matches no parameter', () => {
    expect(pick('GET', '/api/')).toBe('ANY /api/{proxy+}');
    expect(pick('GET', '/api/x/')).toBe('ANY /api/{proxy+}');
    expect(routeOf([parseRoute('GET /api/{id}')], 'GET', pathSegments('/api/'))).toBeUndefined();
  });

  it('ranks an explicit method over ANY, and equal templates the same', () => {
    const rank = (a: string, b: string) => Math.sign(precedence(parseRoute(a), parseRoute(b)));
    expect(rank('ANY /a/{x}', 'GET /a/{x}')).toBe(1);
    expect(rank('GET /a/{x}', 'ANY /a/{x}')).toBe(-1);
    expect(rank('GET /a/b', 'GET /a/b')).toBe(0);
    expect(rank('ANY /a/b', 'ANY /a/b')).toBe(0);
    expect(rank('GET /a/{p+}', 'GET /a/{p+}')).toBe(0);
  });
});

describe('overlaps', () => {
  it.each([
    ['GET /a/{x}', 'GET /a/b', true],
    ['GET /a/{x}', 'POST /a/b', false],
    ['ANY /a/{x}', 'POST /a/b', true],
    ['GET /a/b', 'GET /a/c', false],
    ['GET /a/{p+}', 'GET /a/b/c/d', true],
    ['GET /a/{p+}', 'GET /a', false],
    ['GET /a/{x}', 'GET /a/b/c', false],
    ['GET /{x}/b', 'GET /a/{y}', true],
    ['GET /a/b/{p+}', 'GET /{x}/c/{q+}', false],
  ])('%s and %s: %p', (a, b, expected) => {
    expect(overlaps(parseRoute(a), parseRoute(b))).toBe(expected);
    expect(overlaps(parseRoute(b), parseRoute(a))).toBe(expected);
  });
});

describe('which routes an IAM pattern reaches (route-table reachedBy)', () => {
  const reachedBy = (input: Record<string, unknown>) =>
    Object.fromEntries(
      compileRouteTable(input).protectedRoutes.map((route) => [route.key, route.reachedBy]),
    );

  it('a `*` reaches the literal routes beside it, of the same method only', () => {
    expect(
      reachedBy({
        'GET /a/{id}': { allOf: ['A'] },
        'GET /a/admin': { allOf: ['B'] },
        'POST /a/admin': { allOf: ['B'] },
      }),
    ).toEqual({ 'GET /a/{id}': [], 'GET /a/admin': [0], 'POST /a/admin': [] });
  });

  it('ANY reaches every method', () => {
    expect(
      reachedBy({ 'ANY /a/{id}': { allOf: ['A'] }, 'POST /a/admin': { allOf: ['B'] } }),
    ).toEqual({ 'ANY /a/{id}': [], 'POST /a/admin': [0] });
  });

  it("a `*` also spans `/`, into deeper routes; a literal's pattern reaches nothing else", () => {
    expect(
      reachedBy({
        'GET /a/{id}': { allOf: ['A'] },
        'GET /a/{id}/admin': { allOf: ['B'] },
        'GET /b/c': { allOf: ['B'] },
      }),
    ).toEqual({ 'GET /a/{id}': [], 'GET /a/{id}/admin': [0], 'GET /b/c': [] });
  });

  it('not through requests a more specific route takes first', () => {
    // GET /{x}/latest's requests that GET /a/{id}'s `*` matches (/a/latest) go to GET /a/{id}.
    expect(
      reachedBy({ 'GET /a/{id}': { allOf: ['A'] }, 'GET /{x}/latest': { allOf: ['B'] } }),
    ).toEqual({ 'GET /a/{id}': [1], 'GET /{x}/latest': [] });
  });

  it('lists every scope the table names, once and sorted', () => {
    expect(
      compileRouteTable({
        'GET /a': { allOf: ['Zed', 'Alpha'] },
        'GET /b': { anyOf: ['Alpha', 'Mid'] },
        'GET /c': 'authenticated',
        'GET /d': 'anonymous',
      }).scopes,
    ).toEqual(['Alpha', 'Mid', 'Zed']);
  });
});
