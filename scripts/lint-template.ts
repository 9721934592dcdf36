/**
 * `npm run lint:template`: packages the production template (`serverless package --stage prod`,
 * with your environment or .env) and runs AWS's CloudFormation linter, cfn-lint, on it. Errors and
 * warnings fail, except the framework's own that scripts/cfn-lint-ignore.ts lists with a reason.
 * Without OKTA_ISSUER or CALLER_CLIENT_IDS, placeholders are used: the template's shape does not
 * depend on them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../settings/project.cjs';
import { IGNORED } from './cfn-lint-ignore';

const PLACEHOLDER_ISSUER = 'https://example.okta.com/oauth2/default';
/** routes.ts callers' client ids, when unset: the template's shape does not depend on them either. */
const PLACEHOLDER_CLIENT_IDS =
  'reporting-job=0oaplaceholder00001,admin-tool=0oaplaceholder00002,browser-app=0oaplaceholder00003';
const INSTALL =
  'cfn-lint not found: install it (`pipx install cfn-lint`, `pip install cfn-lint` or `brew install cfn-lint`) and run npm run lint:template again.';

interface Finding {
  Filename: string;
  Level: string;
  Message: string;
  Location: { Path: (string | number)[]; Start: { LineNumber: number } };
  Rule: { Id: string };
}

function fail(line: string): never {
  console.error(`lint:template: ${line}`);
  process.exit(1);
}

function main(): void {
  const version = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  if (version.error || version.status !== 0) fail(INSTALL);

  const out = mkdtempSync(join(tmpdir(), 'okta-api-template-'));
  try {
    const env = { ...process.env };
    if (!env.OKTA_ISSUER?.trim()) env.OKTA_ISSUER = PLACEHOLDER_ISSUER;
    if (!env.CALLER_CLIENT_IDS?.trim()) env.CALLER_CLIENT_IDS = PLACEHOLDER_CLIENT_IDS;
    const packaged = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules/serverless/bin/serverless.js'),
        'package',
        '--stage',
        'prod',
        '--package',
        out,
      ],
      { cwd: ROOT, env, encoding: 'utf8' },
    );
    if (packaged.status !== 0) {
      fail(`serverless package failed:\n${packaged.stdout}${packaged.stderr}`);
    }
    const templates = [
      'cloudformation-template-create-stack.json',
      'cloudformation-template-update-stack.json',
    ];
    const linted = spawnSync('cfn-lint', ['--format', 'json', ...templates], {
      cwd: out,
      encoding: 'utf8',
    });
    let findings: Finding[];
    try {
      findings = JSON.parse(linted.stdout || '[]') as Finding[];
    } catch {
      fail(
        `cfn-lint did not answer in JSON (exit ${linted.status}):\n${linted.stdout}${linted.stderr}`,
      );
    }
    const where = (f: Finding) => f.Location.Path.join('/');
    const ignored = findings.filter((f) =>
      IGNORED.some((i) => i.rule === f.Rule.Id && i.path.test(where(f))),
    );
    const left = findings.filter((f) => !ignored.includes(f));
    const tell = (f: Finding) =>
      `  ${f.Rule.Id} ${f.Level.toLowerCase()} at ${where(f)} (${f.Filename}:${f.Location.Start.LineNumber}): ${f.Message}`;
    console.log(
      `cfn-lint ${version.stdout.trim().replace(/^cfn-lint /, '')} on the packaged production template` +
        `${env.OKTA_ISSUER === PLACEHOLDER_ISSUER ? ' (placeholder OKTA_ISSUER)' : ''}: ` +
        `${left.length} finding(s), ${ignored.length} framework warning(s) ignored as listed in scripts/cfn-lint-ignore.ts.`,
    );
    for (const f of left) console.log(tell(f));
    if (left.length > 0) process.exit(1);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

main();
