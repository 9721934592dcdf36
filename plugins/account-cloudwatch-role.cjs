// API Gateway writes access logs through one CloudWatch role per account and region. osls sets it
// with a custom resource whose execution role may iam:CreateRole, iam:AttachRolePolicy and
// iam:PassRole on every role of the account (arn:...:role/*): whoever can run that function could
// mint an administrator. Its handler only ever touches one role, of a fixed name
// (serverlessApiGatewayCloudWatchRole), attaches one AWS-managed policy to it and passes it to API
// Gateway. This narrows the statement to exactly that, so a fresh account still deploys as before.
const ROLE_NAME = 'serverlessApiGatewayCloudWatchRole';
const POLICY = 'AmazonAPIGatewayPushToCloudWatchLogs';
const ROLE_ACTIONS = [
  'iam:AttachRolePolicy',
  'iam:CreateRole',
  'iam:ListAttachedRolePolicies',
  'iam:PassRole',
];

const arn = (...parts) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ...parts]] });

/** The statements that replace osls's role/* one. */
function narrowedStatements() {
  const role = arn(':iam::', { Ref: 'AWS::AccountId' }, `:role/${ROLE_NAME}`);
  return [
    {
      Effect: 'Allow',
      Action: ['iam:CreateRole', 'iam:ListAttachedRolePolicies'],
      Resource: role,
    },
    {
      // Only the policy that lets API Gateway write logs: never AdministratorAccess.
      Effect: 'Allow',
      Action: ['iam:AttachRolePolicy'],
      Resource: role,
      Condition: { ArnEquals: { 'iam:PolicyARN': arn(`:iam::aws:policy/service-role/${POLICY}`) } },
    },
    {
      // Only to API Gateway, for its account setting.
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: role,
      Condition: { StringEquals: { 'iam:PassedToService': 'apigateway.amazonaws.com' } },
    },
  ];
}

const sameActions = (actions) =>
  Array.isArray(actions) && [...actions].sort().join() === [...ROLE_ACTIONS].sort().join();

class AccountCloudWatchRolePlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      'after:aws:package:finalize:mergeCustomProviderResources': () => this.apply(),
    };
  }

  apply() {
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    const role = resources.IamRoleCustomResourcesLambdaExecution;
    // No custom resource (roleManagedExternally, or no access logs): nothing to narrow.
    if (!role) return;
    for (const policy of role.Properties.Policies || []) {
      const statements = policy.PolicyDocument.Statement;
      const index = statements.findIndex((s) => sameActions(s.Action));
      if (index === -1) continue;
      statements.splice(index, 1, ...narrowedStatements());
    }
    // osls changed what it grants: refuse to package rather than let a role/* grant through.
    const wide = (role.Properties.Policies || [])
      .flatMap((policy) => policy.PolicyDocument.Statement)
      .some(
        (s) =>
          [s.Action]
            .flat()
            .some((action) => /^iam:(CreateRole|AttachRolePolicy|PassRole|\*)$/.test(action)) &&
          JSON.stringify(s.Resource).includes('role/*'),
      );
    if (wide || !JSON.stringify(role).includes(ROLE_NAME)) {
      throw new this.serverless.classes.Error(
        'plugins/account-cloudwatch-role.cjs: osls no longer grants its CloudWatch role custom resource what this plugin narrows; read its ensure-api-gateway-cloud-watch-role.js and update the plugin.',
      );
    }
  }
}

module.exports = AccountCloudWatchRolePlugin;
module.exports.ROLE_NAME = ROLE_NAME;
