import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import JSZip from 'jszip';
import { compileRouteTable } from '../../route-table/compile';
import { DEPLOYED } from '../../settings/node-version.cjs';
import { readServerlessYml } from '../../settings/project.cjs';
import { routes } from '../../routes';
import { methodsByRoute, type Resources } from '../../testkit/project-copy';
import { ISSUER, projectForSuite } from '../../testkit/template';
import { ROOT } from '../../testkit/processes';

// The template's runtime, authorizers, CORS and gateway responses, as `serverless package` builds
// them for AWS (serverless-offline ignores gateway responses, CORS origins and the authorizer TTL).
const suite = projectForSuite();
const { packageFor } = suite;

it('builds for the Node.js that Lambda runs, the one CI tests on', () => {
  const config = readServerlessYml() as unknown as {
    provider: { runtime: string };
    custom: { esbuild: { target: string } };
    functions: Record<string, { runtime?: string }>;
  };
  expect(config.provider.runtime).toBe(`nodejs${DEPLOYED}.x`);
  expect(config.custom.esbuild.target).toBe(`node${DEPLOYED}`);
  // No function overrides the provider's runtime.
  for (const [name, fn] of Object.entries(config.functions)) {
    expect({ name, runtime: fn.runtime }).toEqual({ name, runtime: undefined });
  }
  // CI's Node.js is the deployed one (.ci/run installs it when the machine's is older).
  expect(readFileSync(join(ROOT, '.ci/run'), 'utf8')).toContain(`node-linux-\${arch}@${DEPLOYED}`);
});

describe('with one allowed origin', () => {
  let resources: Resources;
  let packagedDir: string;
  const ofType = (type: string) =>
    Object.values(resources)
      .filter((r) => r.Type === type)
      .map((r) => r.Properties);
  const gatewayResponse = (type: string) =>
    ofType('AWS::ApiGateway::GatewayResponse').find((p) => p.ResponseType === type);

  let tmp: string;

  beforeAll(async () => {
    // A temporary directory of its own, to see what packaging leaves there.
    tmp = join(suite.project.dir, 'tmp');
    mkdirSync(tmp);
    const result = await packageFor({
      OKTA_ISSUER: ISSUER,
      CORS_ORIGINS: 'https://app.example.com',
      AUTHORIZER_CACHE_TTL: '120',
      TMPDIR: tmp,
    });
    expect(result.output).toContain('Service packaged');
    resources = result.resources;
    packagedDir = result.dir;
  }, 120_000);

  it('packages each authorizer with the file it loads later (Powertools), no AWS SDK, and no handler with them', async () => {
    const files = async (fn: string) =>
      Object.keys((await JSZip.loadAsync(readFileSync(join(packagedDir, `${fn}.zip`)))).files)
        .filter((name) => !name.endsWith('/'))
        .sort();
    expect(await files('authorizer')).toEqual([
      'authorizer/index.js',
      'authorizer/index.powertools.js',
    ]);
    expect(await files('dpopAuthorizer')).toEqual([
      'authorizer/request-authorizer.js',
      'authorizer/request-authorizer.powertools.js',
    ]);
    for (const handler of ['hello', 'messages', 'postMessage', 'whoami']) {
      expect((await files(handler)).filter((name) => !name.startsWith('handlers/'))).toEqual([]);
    }
  });

  it("leaves none of serverless-esbuild's zip staging folders in the temp directory (plugins/zip-staging.cjs)", () => {
    const functions = Object.keys(readServerlessYml().functions ?? {});
    expect(functions).toContain('authorizer');
    const staged = readdirSync(tmp).filter((entry) =>
      functions.some((name) => new RegExp(`^${name}-\\d+-\\d+-[0-9a-f]{8}$`).test(entry)),
    );
    expect(staged).toEqual([]);
  });

  it('bundles routes.ts compiled: no bundle holds its checks, and GET /api/messages only its scopes', async () => {
    const source = async (fn: string, file: string) =>
      (await JSZip.loadAsync(readFileSync(join(packagedDir, `${fn}.zip`))))
        .file(file)!
        .async('string');
    for (const [fn, file] of [
      ['authorizer', 'authorizer/index.js'],
      ['dpopAuthorizer', 'authorizer/request-authorizer.js'],
      ['messages', 'handlers/messages.js'],
    ]) {
      // The table's own checks (route-table/compile.ts) fail the build, never a cold start.
      expect(await source(fn!, file!)).not.toContain('routes.ts: ');
    }
    const messages = await source('messages', 'handlers/messages.js');
    expect(messages).toContain('"GET /api/messages":["ReadOnly","AccessAll"]');
    expect(messages).not.toContain('reachedBy');
  });

  it('has a TOKEN authorizer on the Authorization header with the configured TTL, and a REQUEST one for DPoP with TTL 0 and no identity source', () => {
    expect(ofType('AWS::ApiGateway::Authorizer')).toEqual([
      expect.objectContaining({
        Name: 'authorizer',
        Type: 'TOKEN',
        IdentitySource: 'method.request.header.Authorization',
        AuthorizerResultTtlInSeconds: 120,
      }),
      expect.objectContaining({
        Name: 'dpopAuthorizer',
        Type: 'REQUEST',
        AuthorizerResultTtlInSeconds: 0,
      }),
    ]);
    // With an identity source, API Gateway would answer 401 itself to a request without it; with
    // none, every DPoP request reaches the authorizer, uncached (each proof is single-use).
    expect(resources.DpopAuthorizerApiGatewayAuthorizer?.Properties).not.toHaveProperty(
      'IdentitySource',
    );
  });

  it('wires every route of routes.ts as the table says: the authorizer exactly on protected ones', () => {
    const methods = methodsByRoute(resources);
    const table = compileRouteTable(routes);
    for (const route of table.routes) {
      const wired = methods.get(route.key);
      if (route.access === 'anonymous') {
        expect({ route: route.key, wired }).toEqual({
          route: route.key,
          wired: expect.objectContaining({ AuthorizationType: 'NONE' }),
        });
        expect(wired).not.toHaveProperty('AuthorizerId');
      } else {
        // Bearer routes: the cached TOKEN authorizer; routes that take DPoP: the REQUEST one.
        const authorizer =
          route.dpop === 'off'
            ? 'AuthorizerApiGatewayAuthorizer'
            : 'DpopAuthorizerApiGatewayAuthorizer';
        expect({ route: route.key, wired }).toEqual({
          route: route.key,
          wired: expect.objectContaining({
            AuthorizationType: 'CUSTOM',
            AuthorizerId: { Ref: authorizer },
          }),
        });
      }
    }
    // Nothing else: every method is a table route or its CORS preflight.
    const keys = [...methods.keys()].filter((key) => !key.startsWith('OPTIONS '));
    expect(keys.sort()).toEqual(table.routes.map((route) => route.key).sort());
  });

  it('answers CORS preflights for every route without authentication, allowing the Authorization header', () => {
    const methods = methodsByRoute(resources);
    for (const route of compileRouteTable(routes).routes) {
      const options = methods.get(`OPTIONS ${route.key.split(' ')[1]}`) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
      expect(options).toMatchObject({ AuthorizationType: 'NONE', Integration: { Type: 'MOCK' } });
      const headers = options.Integration.IntegrationResponses[0].ResponseParameters;
      expect(headers['method.response.header.Access-Control-Allow-Origin']).toBe(
        "'https://app.example.com'",
      );
      expect(headers['method.response.header.Access-Control-Allow-Headers']).toMatch(
        /Authorization/,
      );
      // A browser sends the proof in the DPoP header.
      expect(headers['method.response.header.Access-Control-Allow-Headers']).toMatch(
        /(^|,)DPoP(,|'$)/,
      );
    }
  });

  it('puts CORS headers on every gateway error, and RFC 6750 challenges on 401 and 403', () => {
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX', 'UNAUTHORIZED', 'ACCESS_DENIED']) {
      expect(gatewayResponse(type)?.ResponseParameters).toMatchObject({
        'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'",
        'gatewayresponse.header.Access-Control-Allow-Headers': "'Authorization,Content-Type,DPoP'",
        'gatewayresponse.header.Access-Control-Expose-Headers': "'WWW-Authenticate,DPoP-Nonce'",
      });
    }
    expect(gatewayResponse('UNAUTHORIZED')).toMatchObject({
      StatusCode: '401',
      ResponseParameters: {
        // Both schemes (RFC 9449 section 7.1): one gateway response serves every route.
        'gatewayresponse.header.WWW-Authenticate': `'Bearer error="invalid_token", DPoP algs="RS256 ES256", error="invalid_token"'`,
      },
    });
    expect(gatewayResponse('ACCESS_DENIED')).toMatchObject({
      StatusCode: '403',
      ResponseParameters: {
        'gatewayresponse.header.WWW-Authenticate': `'Bearer error="insufficient_scope"'`,
      },
    });
  });

  it('deploys the stage only once every gateway response exists, so the first deploy has their headers', () => {
    const deployments = Object.values(resources).filter(
      (r) => r.Type === 'AWS::ApiGateway::Deployment',
    );
    const responses = Object.keys(resources).filter(
      (id) => resources[id]?.Type === 'AWS::ApiGateway::GatewayResponse',
    );
    expect(deployments).toHaveLength(1);
    expect(responses).toHaveLength(6);
    expect((deployments[0] as unknown as { DependsOn: string[] }).DependsOn).toEqual(
      expect.arrayContaining(responses),
    );
  });

  it('blocks public access to the deployment bucket', () => {
    expect(resources.ServerlessDeploymentBucket?.Properties.PublicAccessBlockConfiguration).toEqual(
      {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
    );
  });

  it("runs every function, ours and the framework's, on nodejs24.x, and gives the authorizer its validated settings", () => {
    const functions = ofType('AWS::Lambda::Function');
    // Ours, and the framework's custom resource that gives API Gateway its CloudWatch role for the
    // access logs (once per account and region, at deploy).
    expect(functions.map((fn) => fn.FunctionName).sort()).toEqual(
      [
        'authorizer',
        'custom-resource-apigw-cw-role',
        'dpopAuthorizer',
        'hello',
        'messages',
        'postMessage',
        'whoami',
      ].map((name) => `okta-serverless-api-prod-${name}`),
    );
    // Every function of the template, whatever its name: a function copied with an older runtime
    // (or a framework resource on a runtime of its own) fails here.
    expect(functions.map((fn) => [fn.FunctionName, fn.Runtime])).toEqual(
      functions.map((fn) => [fn.FunctionName, 'nodejs24.x']),
    );
    const authorizer = resources.AuthorizerLambdaFunction?.Properties;
    expect(authorizer?.Environment.Variables).toMatchObject({
      OKTA_ISSUER: ISSUER,
      OKTA_AUDIENCE: 'api://default',
      CORS_ORIGINS: 'https://app.example.com',
    });
    expect(authorizer?.Environment.Variables).not.toHaveProperty('OKTA_REQUIRED_SCOPES');
    expect(authorizer?.Timeout).toBeLessThanOrEqual(10);
  });
});

it("echoes the caller's Origin on gateway errors when several origins are allowed", async () => {
  const result = await packageFor({
    OKTA_ISSUER: ISSUER,
    CORS_ORIGINS: 'https://a.example.com,https://b.example.com',
  });
  const responses = Object.values(result.resources).filter(
    (r) => r.Type === 'AWS::ApiGateway::GatewayResponse',
  );
  for (const response of responses) {
    expect(
      response.Properties.ResponseParameters['gatewayresponse.header.Access-Control-Allow-Origin'],
    ).toBe('method.request.header.Origin');
    expect(response.Properties.ResponseParameters['gatewayresponse.header.Vary']).toBe("'Origin'");
  }
}, 120_000);
