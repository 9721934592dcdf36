import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { satisfies } from '../../route-table/access';
import { compileRouteTable } from '../../route-table/compile';
import { routes } from '../../routes';
import { ROOT } from '../../testkit/paths';

// README's "Levels of access" is what routes.ts says, and what each token gets there.
const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const section = readme.slice(
  readme.indexOf('## Levels of access'),
  readme.indexOf('\n## ', readme.indexOf('## Levels of access') + 1),
);

it('shows the table of routes.ts as it is', () => {
  const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1] as string;
  expect(readFileSync(join(ROOT, 'routes.ts'), 'utf8')).toContain(block.trim());
});

it('lists every route with its access and the status each token gets', () => {
  const rows = [
    ...section.matchAll(/^\| `(\w+ \/\S*)` +\| (.+?) +\| (\d{3}) +\| (\d{3}) +\| (\d{3}) +\|$/gm),
  ].map(([, route, , none, readOnly, accessAll]) => [
    route,
    Number(none),
    Number(readOnly),
    Number(accessAll),
  ]);
  const expected = compileRouteTable(routes).routes.map((route) => {
    // Bearer tokens: a route that takes DPoP only refuses them all.
    const status = (scopes: string[] | undefined) =>
      route.access === 'anonymous'
        ? 200
        : !scopes || route.dpop === 'required'
          ? 401
          : satisfies(route.access, scopes)
            ? 200
            : 403;
    return [route.key, status(undefined), status(['ReadOnly']), status(['AccessAll'])];
  });
  expect(rows).toEqual(expected);
});

it("shows the one line of the guide's other mode", () => {
  expect(section).toContain("'GET /api/hello': 'authenticated',");
  expect(readFileSync(join(ROOT, 'routes.ts'), 'utf8')).toMatch(
    /"require authorization for all endpoints": make this 'authenticated'/,
  );
});
