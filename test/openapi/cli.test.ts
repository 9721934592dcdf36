import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedEnv, ROOT, runTsx } from '../../testkit/processes';

// `npm run -s openapi` and `npm run -s openapi:lint`, as a user runs them.
const committed = readFileSync(join(ROOT, 'docs/openapi.json'), 'utf8');

it("prints the local stack's document on standard output, and nothing else", async () => {
  // The local issuer's, even where a developer's environment names an Okta issuer.
  const env = isolatedEnv({ OKTA_ISSUER: 'https://dev-9.okta.com/oauth2/default' });
  const { code, stdout, stderr } = await runTsx('openapi/cli.ts', [], env);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(stdout).toBe(committed);
});

it('describes a stage from its settings (.env.<stage>), with no network', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-stage-'));
  try {
    const envFile = join(dir, '.env.prod');
    writeFileSync(
      envFile,
      'OKTA_ISSUER=https://dev-7.okta.com/oauth2/aus7\nDPOP_HOSTS=api.acme.dev\n',
    );
    const { code, stdout } = await runTsx(
      'openapi/cli.ts',
      ['--stage', 'prod', '--region', 'eu-central-1'],
      isolatedEnv({ ENV_FILE: envFile }),
    );
    expect(code).toBe(0);
    const document = JSON.parse(stdout);
    expect(document.servers.map((s: { url: string }) => s.url)).toEqual([
      'https://api.acme.dev',
      'https://{restApiId}.execute-api.eu-central-1.amazonaws.com/prod',
    ]);
    expect(document.components.securitySchemes.okta.flows.authorizationCode.authorizationUrl).toBe(
      'https://dev-7.okta.com/oauth2/aus7/v1/authorize',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it.each([
  [['--stage', 'prod'], 'npm run openapi: OKTA_ISSUER is not set'],
  [
    ['--stag', 'prod'],
    'npm run openapi: usage: npm run -s openapi [-- --stage NAME [--region REGION]]',
  ],
  [['--stage', 'prod', '--region', 'moon'], 'npm run openapi: --region is "moon": an AWS region'],
])('refuses %j in one line that says the fix', async (args, message) => {
  const { code, stdout, stderr } = await runTsx('openapi/cli.ts', args, isolatedEnv());
  expect(code).toBe(1);
  expect(stdout).toBe('');
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).toContain(message);
});

it("is valid OpenAPI 3.1 under Redocly's recommended rules, for the local stack and a stage", async () => {
  const { code, stdout } = await runTsx('openapi/lint.ts', [], isolatedEnv());
  expect(stdout).toBe(
    "The OpenAPI document is valid: no problem under Redocly's recommended rules.\n",
  );
  expect(code).toBe(0);
});

it('the validator fails a broken document, saying where', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
  try {
    const document = JSON.parse(committed);
    // A scope the scheme does not define, and a security scheme nobody declared.
    document.paths['/api/whoami'].get.security = [{ okta: ['NoSuchScope'] }, { nobody: [] }];
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const { code, stdout } = await runTsx('openapi/lint.ts', [file], isolatedEnv());
    expect(code).toBe(1);
    expect(stdout).toContain('security-defined');
    expect(stdout).toContain('#/paths/~1api~1whoami/get/security');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
