import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isolatedEnv, ROOT, run } from '../fixtures/processes';

// serverless-offline ignores gateway responses, CORS origins and the authorizer TTL, so they are
// checked here, on the CloudFormation template that `serverless package` builds for AWS.
const SERVERLESS = join(ROOT, 'node_modules/serverless/bin/serverless.js');
const ISSUER = 'https://dev-123456.okta.com/oauth2/default';

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function packageFor(
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; output: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'sls-package-'));
  const result = await run(
    process.execPath,
    [SERVERLESS, 'package', '--stage', 'prod', '--package', dir],
    isolatedEnv(env),
  );
  return { code: result.code, output: result.stdout + result.stderr, dir };
}

function resourcesIn(dir: string): Resources {
  return JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'))
    .Resources as Resources;
}

describe('with one allowed origin', () => {
  let resources: Resources;
  const ofType = (type: string) =>
    Object.values(resources)
      .filter((r) => r.Type === type)
      .map((r) => r.Properties);
  const method = (path: string, verb: string) =>
    Object.entries(resources).find(
      ([name, r]) =>
        r.Type === 'AWS::ApiGateway::Method' && name === `ApiGatewayMethodApi${path}${verb}`,
    )?.[1].Properties as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const gatewayResponse = (type: string) =>
    ofType('AWS::ApiGateway::GatewayResponse').find((p) => p.ResponseType === type);

  beforeAll(async () => {
    const result = await packageFor({
      OKTA_ISSUER: ISSUER,
      CORS_ORIGINS: 'https://app.example.com',
      AUTHORIZER_CACHE_TTL: '120',
    });
    expect(result.output).toContain('Service packaged');
    resources = resourcesIn(result.dir);
  }, 120_000);

  it('has a TOKEN authorizer on the Authorization header with the configured TTL', () => {
    expect(ofType('AWS::ApiGateway::Authorizer')).toEqual([
      expect.objectContaining({
        Type: 'TOKEN',
        IdentitySource: 'method.request.header.Authorization',
        AuthorizerResultTtlInSeconds: 120,
      }),
    ]);
  });

  it('protects whoami with the authorizer and leaves hello public', () => {
    expect(method('Whoami', 'Get')).toMatchObject({
      AuthorizationType: 'CUSTOM',
      AuthorizerId: { Ref: 'AuthorizerApiGatewayAuthorizer' },
    });
    expect(method('Hello', 'Get')).toMatchObject({ AuthorizationType: 'NONE' });
    expect(method('Hello', 'Get')).not.toHaveProperty('AuthorizerId');
  });

  it('answers CORS preflights without authentication, allowing the Authorization header', () => {
    for (const path of ['Hello', 'Whoami']) {
      const options = method(path, 'Options');
      expect(options).toMatchObject({ AuthorizationType: 'NONE', Integration: { Type: 'MOCK' } });
      const headers = options.Integration.IntegrationResponses[0].ResponseParameters;
      expect(headers['method.response.header.Access-Control-Allow-Origin']).toBe(
        "'https://app.example.com'",
      );
      expect(headers['method.response.header.Access-Control-Allow-Headers']).toMatch(
        /Authorization/,
      );
    }
  });

  it('puts CORS headers on every gateway error, and RFC 6750 challenges on 401 and 403', () => {
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX', 'UNAUTHORIZED', 'ACCESS_DENIED']) {
      expect(gatewayResponse(type)?.ResponseParameters).toMatchObject({
        'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example.com'",
        'gatewayresponse.header.Access-Control-Expose-Headers': "'WWW-Authenticate'",
      });
    }
    expect(gatewayResponse('UNAUTHORIZED')).toMatchObject({
      StatusCode: '401',
      ResponseParameters: {
        'gatewayresponse.header.WWW-Authenticate': `'Bearer error="invalid_token"'`,
      },
    });
    expect(gatewayResponse('ACCESS_DENIED')).toMatchObject({
      StatusCode: '403',
      ResponseParameters: {
        'gatewayresponse.header.WWW-Authenticate': `'Bearer error="insufficient_scope"'`,
      },
    });
  });

  it('runs Node.js 22 and gives the authorizer its validated settings', () => {
    const functions = ofType('AWS::Lambda::Function');
    expect(functions).toHaveLength(3);
    for (const fn of functions) expect(fn.Runtime).toBe('nodejs22.x');
    const authorizer = resources.AuthorizerLambdaFunction?.Properties;
    expect(authorizer?.Environment.Variables).toMatchObject({
      OKTA_ISSUER: ISSUER,
      OKTA_AUDIENCE: 'api://default',
      OKTA_REQUIRED_SCOPES: 'AccessAll',
      CORS_ORIGINS: 'https://app.example.com',
    });
    expect(authorizer?.Timeout).toBeLessThanOrEqual(10);
  });
});

it("echoes the caller's Origin on gateway errors when several origins are allowed", async () => {
  const result = await packageFor({
    OKTA_ISSUER: ISSUER,
    CORS_ORIGINS: 'https://a.example.com,https://b.example.com',
  });
  const responses = Object.values(resourcesIn(result.dir)).filter(
    (r) => r.Type === 'AWS::ApiGateway::GatewayResponse',
  );
  for (const response of responses) {
    expect(
      response.Properties.ResponseParameters['gatewayresponse.header.Access-Control-Allow-Origin'],
    ).toBe('method.request.header.Origin');
    expect(response.Properties.ResponseParameters['gatewayresponse.header.Vary']).toBe("'Origin'");
  }
}, 120_000);

describe('a misconfiguration stops `serverless package` with the fix in the message', () => {
  it.each([
    [{}, /OKTA_ISSUER is not set/],
    [{ OKTA_ISSUER: 'https://dev-123456-admin.okta.com/oauth2/default' }, /admin domain/],
    [
      { OKTA_ISSUER: ISSUER, AUTHORIZER_CACHE_TTL: '7200' },
      /AUTHORIZER_CACHE_TTL must be a whole number of seconds from 0/,
    ],
    [
      { OKTA_ISSUER: ISSUER, CORS_ORIGINS: 'app.example.com' },
      /CORS_ORIGINS has "app.example.com", which is not an origin/,
    ],
  ])(
    '%j',
    async (env, message) => {
      const result = await packageFor(env);
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(message);
    },
    60_000,
  );
});
