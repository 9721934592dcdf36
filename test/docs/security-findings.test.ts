import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../testkit/paths';
import { IGNORED } from '../../scripts/cfn-lint-ignore';

// SECURITY.md's table of the template checkers' findings names each one, and every cfn-lint
// finding the lint accepts is in it: an ignore without a row there fails here.
const security = readFileSync(join(ROOT, 'SECURITY.md'), 'utf8');
const section = security.slice(security.indexOf('## The template and AWS'));
const rows = [...section.matchAll(/^\| ([^|]+?) +\| ([^|]+?) +\| (.+?) +\|$/gm)]
  .map(([, check, resource, what]) => ({ check, resource, what }))
  .filter((row) => !/^(check|-+)$/.test(row.check as string));

it.each([
  'cfn-lint W8003',
  'checkov CKV_AWS_26',
  'checkov CKV_AWS_21',
  'checkov CKV_AWS_115',
  'checkov CKV_AWS_116',
  'checkov CKV_AWS_117',
  'checkov CKV_AWS_158',
  'checkov CKV_AWS_173',
  'checkov CKV_AWS_18',
  'checkov CKV_AWS_59',
  'cfn-lint W3005',
  'cfn-lint I3011',
  'cfn-lint I1022',
])('has a row for %s, with the resource and what became of it', (check) => {
  const row = rows.find((r) => r.check === check);
  expect(row?.resource).toBeTruthy();
  expect((row?.what ?? '').length).toBeGreaterThan(40);
});

it('lists every cfn-lint finding the lint ignores, and each ignore has a reason', () => {
  for (const ignored of IGNORED) {
    expect(rows.map((r) => r.check)).toContain(`cfn-lint ${ignored.rule}`);
    expect(ignored.reason.length).toBeGreaterThan(20);
  }
});

it('says how the stage stands where checkov cannot see it', () => {
  expect(section).toMatch(/\*\*access logs\*\*/);
  expect(section).toMatch(/\*\*X-Ray tracing\*\*/);
  expect(section).toMatch(/\*\*caching\*\*/);
});
