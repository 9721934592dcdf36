import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../testkit/paths';

// test/MUTATION.md lists every mutant excluded from `npm run mutate`, with the reason its
// comment gives: an exclusion cannot be added without saying why, or go unlisted.
const DISABLE = /^\s*\/\/ Stryker disable (?:next-line )?([\w,]+): (.+)$/;

function exclusions(): string[][] {
  const rows: string[][] = [];
  for (const dir of ['authorizer', 'handlers', 'route-table', 'settings']) {
    for (const file of readdirSync(join(ROOT, dir))
      .filter((f) => f.endsWith('.ts'))
      .sort()) {
      const lines = readFileSync(join(ROOT, dir, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        const match = DISABLE.exec(line);
        if (line.includes('Stryker disable')) expect(match).not.toBeNull();
        if (!match) return;
        let reason = match[2] as string;
        // A reason may go on over the following comment lines.
        for (let next = i + 1; /^\s*\/\/ (?!Stryker)/.test(lines[next] ?? ''); next += 1) {
          reason += ` ${(lines[next] as string).replace(/^\s*\/\/ /, '')}`;
        }
        rows.push([`${dir}/${file}`, (match[1] as string).replace(/,/g, ', '), reason]);
      });
    }
  }
  return rows;
}

it('gives a reason for every excluded mutant, and MUTATION.md lists them all', () => {
  const rows = exclusions();
  expect(rows.length).toBeGreaterThan(0);
  for (const [, , reason] of rows) expect((reason as string).length).toBeGreaterThan(20);
  const doc = readFileSync(join(ROOT, 'test/MUTATION.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Excluded mutants'), doc.indexOf('## Surviving'));
  const listed = [...section.matchAll(/^\| `(\S+)` +\| (.+?) +\| (.+?) +\|$/gm)].map(
    ([, file, mutators, reason]) => [file, mutators, reason],
  );
  expect(listed).toEqual(rows);
});
