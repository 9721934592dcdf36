import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { build, type Plugin } from 'esbuild';
import yaml from 'js-yaml';
import { readFileSync } from 'node:fs';
import { defaultProvider } from '../../../authorizer/lambda-credentials';
import { DynamoReplayStore } from '../../../authorizer/replay-store';
import { type LocalReplayTable, startReplayTable } from '../../../local/replay-table';
import { ROOT } from '../../../testkit/paths';

// The DPoP authorizer's bundle takes its AWS credentials from the environment only, as the Lambda
// runtime provides them: the build swaps the SDK's default chain for authorizer/lambda-credentials.ts.

// The build's own plugin (its route-table one needs tsx, which jest's module system cannot host).
const { lambdaCredentials } = require('../../../plugins/esbuild.cjs') as {
  lambdaCredentials: () => Plugin;
};
const esbuildSettings = (
  yaml.load(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as {
    custom: { esbuild: { mainFields: string[]; exclude: string[] } };
  }
).custom.esbuild;

// The DPoP authorizer's AWS SDK is the file plugins/esbuild.cjs builds from authorizer/dynamodb.ts
// beside its bundle, with the bundle's options and plugins (test/plugins/esbuild.test.ts).
it('the deployed DPoP authorizer bundles the environment provider and none of the default chain', async () => {
  const result = await build({
    entryPoints: [join(ROOT, 'authorizer/dynamodb.ts')],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    metafile: true,
    logLevel: 'silent',
    mainFields: esbuildSettings.mainFields,
    external: esbuildSettings.exclude,
    outfile: 'request-authorizer.dynamodb.js',
    plugins: [lambdaCredentials()],
  });
  const inputs = Object.keys(result.metafile.inputs);
  expect(inputs).toContain('authorizer/lambda-credentials.ts');
  expect(inputs.some((file) => file.includes('@aws-sdk/credential-provider-env/'))).toBe(true);
  for (const absent of ['credential-provider-node', 'credential-provider-sso', 'nested-clients']) {
    expect(inputs.filter((file) => file.includes(`@aws-sdk/${absent}/`))).toEqual([]);
  }
  // The SDK's ES modules, not its one-file CommonJS builds (which carry every command).
  expect(inputs.some((file) => file.includes('@aws-sdk/client-dynamodb/dist-es/'))).toBe(true);
});

describe('a DynamoDB client with the Lambda credential provider', () => {
  let table: LocalReplayTable;
  const saved = { ...process.env };
  beforeAll(async () => {
    table = await startReplayTable('lambda-credentials-test');
  });
  afterAll(() => table.close());
  afterEach(() => {
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });
  const store = () =>
    new DynamoReplayStore(
      table.table,
      new DynamoDBClient({
        endpoint: table.endpoint,
        region: 'us-east-1',
        credentialDefaultProvider: defaultProvider,
      }),
    );

  it('signs with the credentials the runtime puts in the environment', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'local';
    process.env.AWS_SECRET_ACCESS_KEY = 'local';
    process.env.AWS_SESSION_TOKEN = 'session';
    expect(await store().claim(`jkt:${Math.random()}`, 2000, 1000)).toBe(true);
  });

  it('without them, the claim rejects (the authorizer answers 500): it never looks elsewhere', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    await expect(store().claim(`jkt:${Math.random()}`, 2000, 1000)).rejects.toThrow(
      /environment variable credentials/i,
    );
  });
});
