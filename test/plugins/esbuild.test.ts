import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import yaml from 'js-yaml';
import { type JwksServer, startJwksServer } from '../../testkit/jwks-server';
import { ROOT } from '../../testkit/paths';
import { oktaClaims, rsaKey, sign, type TestKey } from '../../testkit/tokens';
import { run } from '../../testkit/processes';

// Each authorizer's bundle carries Powertools in a file of its own beside it (plugins/esbuild.cjs),
// loaded at its first log line: a cold start that answers allowed requests never loads it.

// The build's own plugins (its route-table one needs tsx, which jest's module system cannot host:
// without it the bundle compiles routes.ts at load, which changes nothing here).
const { separateFiles } = require('../../plugins/esbuild.cjs') as {
  separateFiles: () => Plugin;
};
const settings = (
  yaml.load(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as {
    custom: { esbuild: { mainFields: string[]; exclude: string[]; target: string } };
  }
).custom.esbuild;

let out: string;
/** Every source file each bundle holds, by entry. */
const inputs: Record<string, string[]> = {};
let jwks: JwksServer;
let key: TestKey;
beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'separate-files-'));
  key = await rsaKey();
  jwks = await startJwksServer([key.publicJwk]);
  // As serverless-esbuild calls esbuild: one entry, an output folder.
  for (const entry of [
    'authorizer/index.ts',
    'authorizer/request-authorizer.ts',
    'handlers/hello.ts',
  ]) {
    const result = await build({
      entryPoints: [join(ROOT, entry)],
      outdir: join(out, entry.split('/')[0]!),
      bundle: true,
      minify: true,
      platform: 'node',
      format: 'cjs',
      target: settings.target,
      mainFields: settings.mainFields,
      external: settings.exclude,
      logLevel: 'silent',
      metafile: true,
      plugins: [separateFiles()],
    });
    inputs[entry] = Object.keys(result.metafile.inputs);
  }
}, 60_000);
afterAll(async () => {
  await jwks.close();
  rmSync(out, { recursive: true, force: true });
});

it('writes Powertools beside the bundles that need them, named after them, and only there', () => {
  expect(readdirSync(join(out, 'authorizer')).sort()).toEqual([
    'index.js',
    'index.powertools.js',
    'request-authorizer.js',
    'request-authorizer.powertools.js',
  ]);
  expect(readdirSync(join(out, 'handlers'))).toEqual(['hello.js']);
  const bundle = readFileSync(join(out, 'authorizer/index.js'), 'utf8');
  const separate = readFileSync(join(out, 'authorizer/index.powertools.js'), 'utf8');
  expect(bundle).toContain('require("./index.powertools.js")');
  // Powertools' code is in its own file, not in the bundle.
  expect(separate).toContain('powertools-for-aws');
  expect(bundle).not.toContain('powertools-for-aws');
});

it('no bundle holds the AWS SDK: the DPoP authorizer calls DynamoDB with aws4 and node:https', () => {
  for (const [entry, files] of Object.entries(inputs)) {
    expect({ entry, sdk: files.filter((f) => /@aws-sdk\/|@smithy\//.test(f)) }).toEqual({
      entry,
      sdk: [],
    });
  }
  expect(inputs['authorizer/request-authorizer.ts']).toEqual(
    expect.arrayContaining([
      'authorizer/dynamodb.ts',
      expect.stringMatching(/node_modules\/aws4\/aws4\.js$/),
    ]),
  );
  // The TOKEN authorizer has no DynamoDB client at all.
  expect(inputs['authorizer/index.ts']?.filter((f) => /dynamodb|aws4/.test(f))).toEqual([]);
  const dpop = readFileSync(join(out, 'authorizer/request-authorizer.js'), 'utf8');
  expect(dpop).toContain('DynamoDB_20120810.PutItem');
});

/** A cold start of the built authorizer in a fresh process: one request, then what it loaded. */
async function coldStart(token: string) {
  const script = `
    const { handler } = require(${JSON.stringify(join(out, 'authorizer/index.js'))});
    handler({ type: 'TOKEN', authorizationToken: 'Bearer ' + process.env.TOKEN,
      methodArn: 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/api/whoami' })
      .then((r) => r.policyDocument.Statement[0].Effect, (e) => e.message)
      .then((answer) => {
        const loaded = Object.keys(require.cache).some((f) => f.endsWith('.powertools.js'));
        console.log(JSON.stringify({ answer, loaded }));
      });`;
  const result = await run(process.execPath, ['-e', script], {
    PATH: process.env.PATH,
    OKTA_ISSUER: jwks.issuer,
    TOKEN: token,
  });
  const lines = result.stdout.trim().split('\n');
  return { ...(JSON.parse(lines.at(-1)!) as { answer: string; loaded: boolean }), lines };
}

it('answers an allowed request without loading Powertools', async () => {
  const { answer, loaded, lines } = await coldStart(await sign(oktaClaims(jwks.issuer), key));
  expect(answer).toBe('Allow');
  expect(loaded).toBe(false);
  expect(lines).toHaveLength(1);
});

it('loads it from beside the bundle at the first log line, which is written whole', async () => {
  const { answer, loaded, lines } = await coldStart(
    await sign(oktaClaims(jwks.issuer, { exp: Math.floor(Date.now() / 1000) - 600 }), key),
  );
  expect(answer).toBe('Unauthorized');
  expect(loaded).toBe(true);
  expect(JSON.parse(lines[0]!)).toMatchObject({
    level: 'INFO',
    message: 'authorization decision',
    service: 'okta-authorizer',
    outcome: 'unauthorized',
    reason: 'expired',
  });
});
