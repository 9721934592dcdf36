import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileRouteTable } from '../../route-table/compile';
import { routes } from '../../routes';
import { ROOT } from '../../testkit/paths';

// ARCHITECTURE.md's diagram and layout are the code's: every route, every top-level folder, every
// module of the authorizers.
const doc = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8');
const [diagram, layout] = [...doc.matchAll(/```\n([\s\S]*?)```/g)].map((m) => m[1] as string);

it('draws every route of routes.ts, both authorizers and the replay table', () => {
  for (const { key } of compileRouteTable(routes).routes) {
    const [method, path] = key.split(' ') as [string, string];
    expect(diagram).toMatch(new RegExp(`${method} +${path.replace(/[{}+]/g, '\\$&')} `));
  }
  expect(diagram).toContain('authorizer/index.ts');
  expect(diagram).toContain('authorizer/request-authorizer.ts');
  expect(diagram).toContain('DynamoDB replay table');
});

it('lays out every top-level folder and file of the repository, and nothing that is not there', () => {
  const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((path) => (path.includes('/') ? `${path.split('/')[0]}/` : path))
    .filter((entry) => /^[a-z]/.test(entry) && !/\.(json|md|mjs|js)$/.test(entry));
  const listed = [...(layout as string).matchAll(/^(\S+)/gm)].map((m) => m[1] as string);
  expect(listed.sort()).toEqual([...new Set(tracked)].sort());
});

it('names every module of authorizer/', () => {
  const paragraph = doc.slice(doc.indexOf('`authorizer/`, one module per step'));
  for (const file of readdirSync(join(ROOT, 'authorizer')).filter((f) => f.endsWith('.ts'))) {
    expect(paragraph).toContain(`\`${file.replace(/\.ts$/, '')}\``);
  }
});
