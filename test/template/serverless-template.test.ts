import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import JSZip from 'jszip';
import { compileRouteTable } from '../../route-table/compile';
import { DEPLOYED } from '../../settings/node-version.cjs';
import { routes } from '../../routes';
import { ACCOUNT, identityAllows, resolveIntrinsics } from '../../testkit/iam';
import {
  methodsByRoute,
  type Packaged,
  ProjectCopy,
  type Properties,
  type Resources,
} from '../../testkit/project-copy';
import { ROOT } from '../../testkit/processes';

// serverless-offline ignores gateway responses, CORS origins and the authorizer TTL, so they are
// checked here, on the CloudFormation template that `serverless package` builds for AWS. Each
// package runs in a copy of the project: the working tree and its .serverless/ stay as they are.
const ISSUER = 'https://dev-123456.okta.com/oauth2/default';

let project: ProjectCopy;
beforeAll(() => {
  project = new ProjectCopy();
});
afterAll(() => project.remove());

async function packageFor(env: NodeJS.ProcessEnv) {
  const result = await project.package(env);
  return { ...result, resourcesIn: () => result.resources };
}

it('builds for the Node.js that Lambda runs, the one CI tests on', () => {
  const config = yaml.load(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as {
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

  beforeAll(async () => {
    const result = await packageFor({
      OKTA_ISSUER: ISSUER,
      CORS_ORIGINS: 'https://app.example.com',
      AUTHORIZER_CACHE_TTL: '120',
    });
    expect(result.output).toContain('Service packaged');
    resources = result.resources;
    packagedDir = result.dir;
  }, 120_000);

  it('packages each authorizer with the files it loads later (Powertools, the AWS SDK) and no handler with them', async () => {
    const files = async (fn: string) =>
      Object.keys((await JSZip.loadAsync(readFileSync(join(packagedDir, `${fn}.zip`)))).files)
        .filter((name) => !name.endsWith('/'))
        .sort();
    expect(await files('authorizer')).toEqual([
      'authorizer/index.js',
      'authorizer/index.powertools.js',
    ]);
    expect(await files('dpopAuthorizer')).toEqual([
      'authorizer/request-authorizer.dynamodb.js',
      'authorizer/request-authorizer.js',
      'authorizer/request-authorizer.powertools.js',
    ]);
    for (const handler of ['hello', 'messages', 'postMessage', 'whoami']) {
      expect((await files(handler)).filter((name) => !name.startsWith('handlers/'))).toEqual([]);
    }
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
    expect(responses).toHaveLength(4);
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
    [{ OKTA_ISSUER: ISSUER, LOG_RETENTION_DAYS: '10' }, /LOG_RETENTION_DAYS must be one of/],
    [
      { OKTA_ISSUER: ISSUER, API_THROTTLE_RATE: 'fast' },
      /API_THROTTLE_RATE must be a whole number from 1/,
    ],
    [
      { OKTA_ISSUER: ISSUER, AUTHORIZER_RESERVED_CONCURRENCY: '0' },
      /AUTHORIZER_RESERVED_CONCURRENCY must be a whole number from 1 \(or off, to reserve none\)/,
    ],
    [{ OKTA_ISSUER: ISSUER, ALARM_EMAIL: 'ops' }, /ALARM_EMAIL must be an email address/],
    [{ OKTA_ISSUER: ISSUER, ALARM_TOPIC_ARN: 'ops' }, /ALARM_TOPIC_ARN must be an SNS topic ARN/],
    [
      { OKTA_ISSUER: ISSUER, OKTA_REQUIRED_SCOPES: 'AccessAll' },
      /OKTA_REQUIRED_SCOPES is no longer used: each route's scopes are in routes.ts/,
    ],
  ])(
    '%j',
    async (env, message) => {
      const result = await packageFor(env);
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(message);
      // Said once, in one line: not inside serverless's "Cannot resolve ..." wrapping, no stack.
      expect(result.output).not.toMatch(/Cannot resolve|\n\s+at /);
      expect(
        result.output
          .trim()
          .split('\n')
          .filter((line) => line.includes('Configuration error')),
      ).toHaveLength(1);
    },
    60_000,
  );
});

describe('operating it: logs, metrics, alarms', () => {
  let resources: Resources;
  let packaged: Packaged;
  const ofType = (type: string) =>
    Object.fromEntries(Object.entries(resources).filter(([, r]) => r.Type === type));

  beforeAll(async () => {
    packaged = await packageFor({ OKTA_ISSUER: ISSUER });
    resources = packaged.resources;
  }, 120_000);

  it('writes one JSON access-log line per request with every field, and no header or token', async () => {
    const config = await project.print({ OKTA_ISSUER: ISSUER });
    const restApi = config.provider.logs.restApi;
    expect(restApi).toMatchObject({
      accessLogging: true,
      executionLogging: false,
      fullExecutionData: false,
    });
    const line = JSON.parse(restApi.format.replace(/\$context\.[\w.]+/g, 'x')) as Record<
      string,
      string
    >;
    expect(Object.keys(line).sort()).toEqual(
      [
        'authorizerError',
        'authorizerLatency',
        'authorizerStatus',
        'integrationLatency',
        'method',
        'principalId',
        'requestId',
        'resourcePath',
        'responseLength',
        'sourceIp',
        'status',
        'time',
      ].sort(),
    );
    expect(restApi.format).not.toMatch(/header|Authorization|token|\$input|claims/i);
  });

  it('keeps the decision and access logs, in their own groups, after `serverless remove`', () => {
    for (const id of ['AuthorizerLogGroup', 'ApiGatewayLogGroup']) {
      expect(resources[id]).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: { RetentionInDays: 90 },
      });
    }
    expect(resources.ApiGatewayLogGroup?.Properties.LogGroupName).toBe(
      '/aws/api-gateway/okta-serverless-api-prod',
    );
  });

  it('counts decisions by outcome and reason, and in total, in the service and stage namespace', () => {
    const filters = Object.values(ofType('AWS::Logs::MetricFilter')).map((r) => ({
      pattern: r.Properties.FilterPattern,
      group: r.Properties.LogGroupName,
      ...r.Properties.MetricTransformations[0],
    }));
    // The same six on each authorizer's decision lines.
    const expected = (
      outcome: string,
      name: string,
      byReason: boolean,
      group = 'AuthorizerLogGroup',
    ) => ({
      pattern: `{ ($.message = "authorization decision") && ($.outcome = "${outcome}") }`,
      group: { Ref: group },
      MetricNamespace: 'okta-serverless-api/prod',
      MetricName: name,
      MetricValue: '1',
      Unit: 'Count',
      ...(byReason && { Dimensions: [{ Key: 'Reason', Value: '$.reason' }] }),
    });
    expect(filters).toEqual([
      expected('unauthorized', 'Unauthorized', true),
      expected('unauthorized', 'UnauthorizedTotal', false),
      expected('deny', 'Denied', true),
      expected('deny', 'DeniedTotal', false),
      expected('error', 'AuthorizerErrors', true),
      expected('error', 'AuthorizerErrorsTotal', false),
      expected('unauthorized', 'Unauthorized', true, 'DpopAuthorizerLogGroup'),
      expected('unauthorized', 'UnauthorizedTotal', false, 'DpopAuthorizerLogGroup'),
      expected('deny', 'Denied', true, 'DpopAuthorizerLogGroup'),
      expected('deny', 'DeniedTotal', false, 'DpopAuthorizerLogGroup'),
      expected('error', 'AuthorizerErrors', true, 'DpopAuthorizerLogGroup'),
      expected('error', 'AuthorizerErrorsTotal', false, 'DpopAuthorizerLogGroup'),
    ]);
  });

  it('keeps each DPoP proof id in an on-demand table with TTL, which only the DPoP authorizer may write', async () => {
    expect(resources.DpopReplayTable).toMatchObject({
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      },
    });
    const dpopFunction = resources.DpopAuthorizerLambdaFunction?.Properties as Properties;
    expect(dpopFunction.Role).toEqual({ 'Fn::GetAtt': ['DpopAuthorizerRole', 'Arn'] });
    expect(dpopFunction.Environment.Variables).toMatchObject({
      DPOP_REPLAY_TABLE: { Ref: 'DpopReplayTable' },
      OKTA_ISSUER: ISSUER,
    });
    expect(dpopFunction.Runtime).toBe('nodejs24.x');
    // No other role names the table; the DPoP authorizer's may PutItem on it, nothing more.
    const table = { 'Fn::GetAtt': ['DpopReplayTable', 'Arn'] };
    for (const [id, resource] of Object.entries(resources)) {
      if (resource.Type !== 'AWS::IAM::Role' || id === 'DpopAuthorizerRole') continue;
      expect({ id, names: JSON.stringify(resource).includes('DpopReplayTable') }).toEqual({
        id,
        names: false,
      });
    }
    const statements = (resources.DpopAuthorizerRole?.Properties.Policies as Properties[]).flatMap(
      (p) => p.PolicyDocument.Statement,
    ) as Properties[];
    expect(statements.filter((s) => JSON.stringify(s.Resource) === JSON.stringify(table))).toEqual([
      { Effect: 'Allow', Action: 'dynamodb:PutItem', Resource: table },
    ]);
    const policy = resolveIntrinsics({
      Version: '2012-10-17',
      Statement: statements.map((s) => ({
        ...s,
        Resource: JSON.stringify(s.Resource).includes('DpopReplayTable')
          ? `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/replay`
          : `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/okta-serverless-api-prod-dpopAuthorizer:*`,
      })),
    }) as object;
    const tableArn = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/replay`;
    expect(await identityAllows(policy, 'dynamodb:PutItem', tableArn)).toBe(true);
    for (const action of [
      'dynamodb:GetItem',
      'dynamodb:DeleteItem',
      'dynamodb:Scan',
      'dynamodb:DeleteTable',
    ]) {
      expect(await identityAllows(policy, action, tableArn)).toBe(false);
    }
    // The TOKEN authorizer and the handlers keep the framework's role, which names no table.
    expect(resources.AuthorizerLambdaFunction?.Properties.Role).toEqual({
      'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'],
    });
  });

  it('alarms when the authorizer cannot decide, on API 5XX and on a surge of 401s, to the alarm topic', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm');
    expect(alarms.AlarmAuthorizerCouldNotDecide?.Properties).toMatchObject({
      MetricName: 'AuthorizerErrorsTotal',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    });
    expect(alarms.AlarmApi5xx?.Properties).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5XXError',
      Dimensions: [
        { Name: 'ApiName', Value: 'okta-serverless-api-prod' },
        { Name: 'Stage', Value: 'prod' },
      ],
      Threshold: 5,
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    });
    expect(alarms.AlarmUnauthorizedSurge?.Properties).toMatchObject({
      MetricName: 'UnauthorizedTotal',
      Threshold: 100,
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    });
    // Without ALARM_EMAIL the alarms still exist, and no one is subscribed.
    expect(resources).not.toHaveProperty('AlarmEmailSubscription');
  });

  it('ends packaging with one warning line when the alarms reach nobody', () => {
    const warnings = packaged.output.split('\n').filter((line) => /ALARM_EMAIL/.test(line));
    expect(warnings).toEqual([
      'Warning: Alarms reach nobody: the stack deploys its alarms to a topic without a subscriber. ' +
        'Set ALARM_EMAIL (an address to subscribe) or ALARM_TOPIC_ARN (your SNS topic), then package or deploy again.',
    ]);
    // The last thing it says.
    expect(packaged.output.trim().split('\n').at(-1)).toBe(warnings[0]);
  });

  it('has no condition that is fixed when the template is packaged (cfn-lint W8003)', () => {
    // A condition that names no parameter compares values known at package time.
    for (const [name, condition] of Object.entries(packaged.template.Conditions ?? {})) {
      expect({ name, readsAParameter: /"Ref":/.test(JSON.stringify(condition)) }).toEqual({
        name,
        readsAParameter: true,
      });
    }
    for (const [id, resource] of Object.entries(resources)) {
      expect({ id, condition: (resource as { Condition?: string }).Condition }).toEqual({
        id,
        condition: undefined,
      });
    }
  });

  it('encrypts the alarm topic with a key of the stack that only this account and its CloudWatch alarms use', () => {
    expect(resources.AlarmTopic?.Properties.KmsMasterKeyId).toEqual({
      'Fn::GetAtt': ['AlarmTopicKey', 'Arn'],
    });
    const key = resolveIntrinsics(resources.AlarmTopicKey?.Properties) as Properties;
    expect(key.EnableKeyRotation).toBe(true);
    const statements = key.KeyPolicy.Statement as Properties[];
    expect(statements.map((s) => s.Principal)).toEqual([
      { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      { Service: 'cloudwatch.amazonaws.com' },
    ]);
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
    expect(statements[1]).toMatchObject({
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Condition: {
        StringEquals: { 'aws:SourceAccount': ACCOUNT },
        ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:*` },
      },
    });
  });

  it('versions the deployment bucket', () => {
    expect(resources.ServerlessDeploymentBucket?.Properties.VersioningConfiguration).toEqual({
      Status: 'Enabled',
    });
  });

  it('lets no role create, attach or pass roles on a wildcard resource', () => {
    const statements = Object.values(resources).flatMap((r) => [
      ...(r.Type === 'AWS::IAM::Role'
        ? ((r.Properties.Policies ?? []) as Properties[]).flatMap((p) => p.PolicyDocument.Statement)
        : []),
      ...(['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(r.Type)
        ? r.Properties.PolicyDocument.Statement
        : []),
    ]) as Properties[];
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of resolveIntrinsics(statements) as Properties[]) {
      const actions = [statement.Action].flat() as string[];
      const minting = actions.filter((a) =>
        /^(\*|iam:\*|iam:CreateRole|iam:AttachRolePolicy|iam:PassRole)$/.test(a),
      );
      if (minting.length === 0) continue;
      for (const resource of [statement.Resource].flat() as string[]) {
        expect({ minting, resource }).toEqual({
          minting,
          resource: expect.not.stringMatching(/\*/),
        });
      }
    }
  });

  it("narrows osls's CloudWatch role custom resource to its one role, one policy and API Gateway", async () => {
    const role = resources.IamRoleCustomResourcesLambdaExecution?.Properties as Properties;
    const policy = resolveIntrinsics(role.Policies[0].PolicyDocument) as object;
    const arn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
    const own = arn('serverlessApiGatewayCloudWatchRole');
    const logsPolicy = 'arn:aws:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs';
    // What its handler does, on a fresh account.
    expect(await identityAllows(policy, 'iam:CreateRole', own)).toBe(true);
    expect(await identityAllows(policy, 'iam:ListAttachedRolePolicies', own)).toBe(true);
    expect(
      await identityAllows(policy, 'iam:AttachRolePolicy', own, { 'iam:PolicyARN': logsPolicy }),
    ).toBe(true);
    expect(
      await identityAllows(policy, 'iam:PassRole', own, {
        'iam:PassedToService': 'apigateway.amazonaws.com',
      }),
    ).toBe(true);
    // What it could do with osls's role/*, and can no longer.
    expect(await identityAllows(policy, 'iam:CreateRole', arn('Admin'))).toBe(false);
    expect(
      await identityAllows(policy, 'iam:AttachRolePolicy', own, {
        'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
    ).toBe(false);
    expect(
      await identityAllows(policy, 'iam:AttachRolePolicy', arn('Admin'), {
        'iam:PolicyARN': logsPolicy,
      }),
    ).toBe(false);
    expect(
      await identityAllows(policy, 'iam:PassRole', own, {
        'iam:PassedToService': 'lambda.amazonaws.com',
      }),
    ).toBe(false);
    expect(
      await identityAllows(policy, 'iam:PassRole', arn('Admin'), {
        'iam:PassedToService': 'apigateway.amazonaws.com',
      }),
    ).toBe(false);
  });

  it('throttles the stage and keeps concurrency for the authorizer, with safe defaults', () => {
    const deployment = Object.values(resources).find(
      (r) => r.Type === 'AWS::ApiGateway::Deployment',
    );
    expect(deployment?.Properties.StageDescription).toEqual({
      ThrottlingRateLimit: 100,
      ThrottlingBurstLimit: 200,
    });
    expect(resources.AuthorizerLambdaFunction?.Properties.ReservedConcurrentExecutions).toBe(50);
    // The public and protected handlers share the rest of the account's concurrency.
    expect(resources.HelloLambdaFunction?.Properties).not.toHaveProperty(
      'ReservedConcurrentExecutions',
    );
  });

  it('takes the throttling and the reservation from the environment, or reserves none', async () => {
    const set = await project.package({
      OKTA_ISSUER: ISSUER,
      API_THROTTLE_RATE: '20',
      API_THROTTLE_BURST: '40',
      AUTHORIZER_RESERVED_CONCURRENCY: '10',
    });
    const deployment = Object.values(set.resources).find(
      (r) => r.Type === 'AWS::ApiGateway::Deployment',
    );
    expect(deployment?.Properties.StageDescription).toEqual({
      ThrottlingRateLimit: 20,
      ThrottlingBurstLimit: 40,
    });
    expect(set.resources.AuthorizerLambdaFunction?.Properties.ReservedConcurrentExecutions).toBe(
      10,
    );
    const off = await project.package({
      OKTA_ISSUER: ISSUER,
      AUTHORIZER_RESERVED_CONCURRENCY: 'off',
    });
    expect(off.resources.AuthorizerLambdaFunction?.Properties).not.toHaveProperty(
      'ReservedConcurrentExecutions',
    );
  }, 120_000);

  it('subscribes ALARM_EMAIL, or sends to ALARM_TOPIC_ARN, with the thresholds set, and then does not warn', async () => {
    const withEmail = await project.package({
      OKTA_ISSUER: ISSUER,
      ALARM_EMAIL: 'ops@example.com',
      ALARM_401_THRESHOLD: '250',
    });
    expect(withEmail.resources.AlarmEmailSubscription?.Properties).toEqual({
      TopicArn: { Ref: 'AlarmTopic' },
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    expect(withEmail.resources.AlarmUnauthorizedSurge?.Properties.Threshold).toBe(250);
    expect(withEmail.output).toContain('Service packaged');
    expect(withEmail.output).not.toContain('Alarms reach nobody');
    // Your own topic: the stack makes no topic and no key of its own, and warns of nothing.
    const arn = 'arn:aws:sns:us-east-1:123456789012:ops-alarms';
    const withTopic = await project.package({ OKTA_ISSUER: ISSUER, ALARM_TOPIC_ARN: arn });
    expect(withTopic.resources.AlarmApi5xx?.Properties.AlarmActions).toEqual([arn]);
    for (const id of ['AlarmTopic', 'AlarmTopicKey', 'AlarmEmailSubscription']) {
      expect(withTopic.resources).not.toHaveProperty(id);
    }
    expect(withTopic.output).not.toContain('Alarms reach nobody');
    // Both: the address is subscribed to your topic.
    const both = await project.package({
      OKTA_ISSUER: ISSUER,
      ALARM_TOPIC_ARN: arn,
      ALARM_EMAIL: 'ops@example.com',
    });
    expect(both.resources.AlarmEmailSubscription?.Properties.TopicArn).toBe(arn);
    expect(both.resources).not.toHaveProperty('AlarmTopicKey');
  }, 180_000);
});

describe('the route table and the wiring', () => {
  let copy: ProjectCopy;
  beforeEach(() => {
    copy = new ProjectCopy();
  });
  afterEach(() => copy.remove());

  it('one line makes hello require a token: the guide\'s "require authorization for all endpoints"', async () => {
    copy.edit('routes.ts', (text) =>
      text.replace("'GET /api/hello': 'anonymous'", "'GET /api/hello': 'authenticated'"),
    );
    const result = await copy.package({ OKTA_ISSUER: ISSUER });
    expect(result.output).toContain('Service packaged');
    for (const route of ['GET /api/hello', 'GET /api/whoami', 'GET /api/messages']) {
      expect(methodsByRoute(result.resources).get(route)).toMatchObject({
        AuthorizationType: 'CUSTOM',
      });
    }
  }, 120_000);

  const messagesEvent = `      - http:
          path: api/messages
          method: get
          cors: *cors`;

  it.each<[string, (copy: ProjectCopy) => void, RegExp]>([
    [
      'a route without an entry',
      (c) =>
        c.edit('serverless.yml', (t) =>
          t.replace(
            messagesEvent,
            `${messagesEvent}\n      - http:\n          path: api/messages/{id}\n          method: get`,
          ),
        ),
      /serverless.yml wires GET \/api\/messages\/\{id\} \(function messages\), but routes.ts has no entry for it: add 'GET \/api\/messages\/\{id\}': 'authenticated'/,
    ],
    [
      'an entry without a route',
      (c) =>
        c.edit('routes.ts', (t) =>
          t.replace(
            "  'GET /api/messages':",
            "  'DELETE /api/messages': 'authenticated',\n  'GET /api/messages':",
          ),
        ),
      /routes.ts has DELETE \/api\/messages, but no function in serverless.yml has that http event/,
    ],
    [
      'an unknown access kind',
      (c) =>
        c.edit('routes.ts', (t) =>
          t.replace("'GET /api/hello': 'anonymous'", "'GET /api/hello': 'public'"),
        ),
      /routes.ts: GET \/api\/hello has the access "public"; use 'anonymous', 'authenticated'/,
    ],
    [
      'a malformed scope name',
      (c) => c.edit('routes.ts', (t) => t.replace("allOf: ['AccessAll']", "allOf: ['Access All']")),
      /GET \/api\/whoami has the scope "Access All", which is not a scope name/,
    ],
    [
      'an anonymous route that has the authorizer',
      (c) =>
        c.edit('serverless.yml', (t) =>
          t.replace(
            'path: api/hello\n          method: get',
            'path: api/hello\n          method: get\n          authorizer: authorizer',
          ),
        ),
      /GET \/api\/hello is 'anonymous' in routes.ts, but its http event \(function hello\) has an authorizer/,
    ],
    [
      'a protected route that declares its own authorizer',
      (c) =>
        c.edit('serverless.yml', (t) =>
          t.replace(
            'path: api/whoami\n          method: get',
            'path: api/whoami\n          method: get\n          authorizer: aws_iam',
          ),
        ),
      /GET \/api\/whoami's http event \(function whoami\) sets an authorizer in serverless.yml; routes.ts decides/,
    ],
  ])(
    '%s stops `serverless package` with one line that says what to fix',
    async (_name, change, message) => {
      change(copy);
      const result = await copy.package({ OKTA_ISSUER: ISSUER });
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(message);
      expect(result.output).not.toMatch(/\n\s+at /); // no stack trace
      expect(result.resources).toEqual({});
    },
    120_000,
  );
});
