import { compileRouteTable } from '../../route-table/compile';
import { routes } from '../../routes';
import { methodsByRoute, type Resources, TEST_CALLER_CLIENT_IDS } from '../../testkit/project-copy';
import { ISSUER, projectForSuite } from '../../testkit/template';

// Limits per caller in the template `serverless package` builds: the key source is the
// authorizer, a usage plan and an API key for each caller routes.ts limits and for `others`,
// every protected method requires a key and no open one does, the authorizers know each caller.
const suite = projectForSuite();

describe('with routes.ts callers declaring limits', () => {
  let resources: Resources;
  beforeAll(async () => {
    const packaged = await suite.packageFor({ OKTA_ISSUER: ISSUER });
    expect(packaged.output).toContain('Service packaged');
    resources = packaged.resources;
  }, 120_000);
  const ofType = (type: string) =>
    Object.values(resources)
      .filter((r) => r.Type === type)
      .map((r) => r.Properties);

  it('takes the API key from the authorizer (callers never send one)', () => {
    expect(resources.ApiGatewayRestApi?.Properties.ApiKeySourceType).toBe('AUTHORIZER');
  });

  it('has one usage plan per caller and one for others, on the stage, with their numbers', () => {
    const plans = Object.fromEntries(
      ofType('AWS::ApiGateway::UsagePlan').map((p) => [
        p.UsagePlanName,
        { stages: p.ApiStages, throttle: p.Throttle, quota: p.Quota },
      ]),
    );
    const stage = [{ ApiId: { Ref: 'ApiGatewayRestApi' }, Stage: 'prod' }];
    expect(plans).toEqual({
      'okta-serverless-api-reportingJob-prod': {
        stages: stage,
        throttle: { RateLimit: 10, BurstLimit: 20 },
        quota: { Limit: 50_000, Period: 'DAY' },
      },
      'okta-serverless-api-adminTool-prod': {
        stages: stage,
        throttle: { RateLimit: 5, BurstLimit: 10 },
      },
      'okta-serverless-api-browserApp-prod': {
        stages: stage,
        throttle: { RateLimit: 50, BurstLimit: 100 },
      },
      'okta-serverless-api-others-prod': {
        stages: stage,
        throttle: { RateLimit: 25, BurstLimit: 50 },
      },
    });
  });

  it('has one API key per plan, of 20 to 128 letters and digits, each in its plan only', () => {
    const keys = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::ApiGateway::ApiKey');
    expect(keys.map(([, r]) => r.Properties.Name).sort()).toEqual(
      ['admin-tool', 'browser-app', 'others', 'reporting-job'].map(
        (caller) => `okta-serverless-api-prod-${caller}`,
      ),
    );
    for (const [, key] of keys) expect(key.Properties.Value).toMatch(/^[A-Za-z0-9]{20,128}$/);
    const links = ofType('AWS::ApiGateway::UsagePlanKey');
    expect(links).toHaveLength(4);
    expect(new Set(links.map((l) => l.KeyId.Ref))).toEqual(new Set(keys.map(([id]) => id)));
    expect(new Set(links.map((l) => l.UsagePlanId.Ref)).size).toBe(4);
  });

  it('requires a key on exactly the protected methods: never an anonymous one or a preflight', () => {
    const table = compileRouteTable(routes);
    const methods = methodsByRoute(resources);
    for (const route of table.routes) {
      expect({ route: route.key, required: methods.get(route.key)?.ApiKeyRequired }).toEqual({
        route: route.key,
        required: route.access !== 'anonymous',
      });
    }
    for (const [key, method] of methods) {
      if (key.startsWith('OPTIONS '))
        expect({ key, required: method.ApiKeyRequired }).toEqual({ key, required: undefined });
    }
  });

  it("tells both authorizers each caller's client id and key (the stage's CALLER_CLIENT_IDS)", () => {
    const keyOf = (caller: string) =>
      Object.values(resources).find(
        (r) => r.Type === 'AWS::ApiGateway::ApiKey' && r.Properties.Name.endsWith(`-${caller}`),
      )?.Properties.Value as string;
    const ids = Object.fromEntries(TEST_CALLER_CLIENT_IDS.split(',').map((e) => e.split('=')));
    const expected = [
      ...['reporting-job', 'admin-tool', 'browser-app'].map((c) => `${c}=${ids[c]}=${keyOf(c)}`),
      `others=*=${keyOf('others')}`,
    ].join(',');
    for (const fn of ['AuthorizerLambdaFunction', 'DpopAuthorizerLambdaFunction']) {
      expect(resources[fn]?.Properties.Environment.Variables.API_CALLERS).toBe(expected);
    }
  });

  it("answers a throttled caller and a spent quota with API Gateway's bodies and the CORS headers", () => {
    for (const [type, body] of [
      ['THROTTLED', '{"message":"Too Many Requests"}'],
      ['QUOTA_EXCEEDED', '{"message":"Limit Exceeded"}'],
    ]) {
      const response = ofType('AWS::ApiGateway::GatewayResponse').find(
        (p) => p.ResponseType === type,
      );
      expect(response).toMatchObject({
        StatusCode: '429',
        ResponseTemplates: { 'application/json': body },
        ResponseParameters: {
          'gatewayresponse.header.Access-Control-Allow-Origin': "'*'",
          'gatewayresponse.header.Vary': "'Origin'",
        },
      });
    }
  });

  it('keeps the same keys from one deploy to the next', async () => {
    const again = await suite.packageFor({ OKTA_ISSUER: ISSUER });
    const values = (r: Resources) =>
      Object.values(r)
        .filter((x) => x.Type === 'AWS::ApiGateway::ApiKey')
        .map((x) => x.Properties.Value)
        .sort();
    expect(values(again.resources)).toEqual(values(resources));
  }, 120_000);
});

describe('refused at package time, in one line', () => {
  it.each([
    [
      { CALLER_CLIENT_IDS: undefined },
      /^Configuration error: CALLER_CLIENT_IDS has no client id for reporting-job, admin-tool, browser-app: run `npm run okta -- apply --env-file`/m,
    ],
    [
      { API_THROTTLE_RATE: '40' },
      /^Configuration error: callers\.browserApp\.limits\.rate \(50\) is above the stage's API_THROTTLE_RATE \(40\)/m,
    ],
  ])(
    '%j',
    async (env, message) => {
      const result = await suite.packageFor({ OKTA_ISSUER: ISSUER, ...env });
      expect(result.output).toMatch(message);
      expect(result.output).not.toContain('Service packaged');
      expect(result.output).not.toMatch(/\n\s+at /);
    },
    120_000,
  );
});
