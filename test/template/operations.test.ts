import { ACCOUNT, identityAllows, resolveIntrinsics } from '../../testkit/iam';
import { type Packaged, type Properties, type Resources } from '../../testkit/project-copy';

import { ISSUER, projectForSuite } from '../../testkit/template';

// Operating it: the access log, the decision metrics, the alarms and where they go.
const suite = projectForSuite();
const { packageFor } = suite;

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
    const config = await suite.project.print({ OKTA_ISSUER: ISSUER });
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
        'caller',
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
      // 429s by caller, from the access log: limits per caller (routes.ts callers).
      {
        pattern: '{ $.status = "429" }',
        group: { Ref: 'ApiGatewayLogGroup' },
        MetricNamespace: 'okta-serverless-api/prod',
        MetricName: 'Throttled',
        MetricValue: '1',
        Unit: 'Count',
        Dimensions: [{ Key: 'Caller', Value: '$.caller' }],
      },
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
    const set = await suite.project.package({
      OKTA_ISSUER: ISSUER,
      // At least every caller's (routes.ts callers: the browser app's 50 and 100).
      API_THROTTLE_RATE: '60',
      API_THROTTLE_BURST: '120',
      AUTHORIZER_RESERVED_CONCURRENCY: '10',
    });
    const deployment = Object.values(set.resources).find(
      (r) => r.Type === 'AWS::ApiGateway::Deployment',
    );
    expect(deployment?.Properties.StageDescription).toEqual({
      ThrottlingRateLimit: 60,
      ThrottlingBurstLimit: 120,
    });
    expect(set.resources.AuthorizerLambdaFunction?.Properties.ReservedConcurrentExecutions).toBe(
      10,
    );
    const off = await suite.project.package({
      OKTA_ISSUER: ISSUER,
      AUTHORIZER_RESERVED_CONCURRENCY: 'off',
    });
    expect(off.resources.AuthorizerLambdaFunction?.Properties).not.toHaveProperty(
      'ReservedConcurrentExecutions',
    );
  }, 120_000);

  it('subscribes ALARM_EMAIL, or sends to ALARM_TOPIC_ARN, with the thresholds set, and then does not warn', async () => {
    const withEmail = await suite.project.package({
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
    const withTopic = await suite.project.package({ OKTA_ISSUER: ISSUER, ALARM_TOPIC_ARN: arn });
    expect(withTopic.resources.AlarmApi5xx?.Properties.AlarmActions).toEqual([arn]);
    for (const id of ['AlarmTopic', 'AlarmTopicKey', 'AlarmEmailSubscription']) {
      expect(withTopic.resources).not.toHaveProperty(id);
    }
    expect(withTopic.output).not.toContain('Alarms reach nobody');
    // Both: the address is subscribed to your topic.
    const both = await suite.project.package({
      OKTA_ISSUER: ISSUER,
      ALARM_TOPIC_ARN: arn,
      ALARM_EMAIL: 'ops@example.com',
    });
    expect(both.resources.AlarmEmailSubscription?.Properties.TopicArn).toBe(arn);
    expect(both.resources).not.toHaveProperty('AlarmTopicKey');
  }, 180_000);
});
