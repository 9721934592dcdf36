/**
 * The cfn-lint findings `npm run lint:template` accepts: each made by the framework (osls), not by
 * serverless.yml, matched by rule and by where it is, with the reason it is left. Anything else,
 * a warning included, fails the lint. SECURITY.md's findings table says the same.
 */
export interface IgnoredFinding {
  rule: string;
  /** The finding's path in the template, as cfn-lint reports it (Resources/<id>/...). */
  path: RegExp;
  reason: string;
}

export const IGNORED: IgnoredFinding[] = [
  {
    rule: 'W3005',
    path: /^Resources\/ApiGatewayMethod\w+\/DependsOn\/\d+$/,
    reason:
      "osls makes each protected method DependsOn its authorizer besides Ref'ing it in AuthorizerId: redundant, harmless.",
  },
  {
    rule: 'W3005',
    path: /^Resources\/DpopAuthorizerLambdaFunction\/DependsOn\/\d+$/,
    reason:
      "osls makes a function with its own role (the DPoP authorizer's) DependsOn that role besides GetAtt'ing it: redundant, harmless.",
  },
  {
    rule: 'W3005',
    path: /^Resources\/CustomDashresourceDashapigwDashcwDashroleLambdaFunction\/DependsOn\/\d+$/,
    reason:
      "osls makes its CloudWatch role custom resource's function DependsOn its execution role besides GetAtt'ing it: redundant, harmless.",
  },
];
