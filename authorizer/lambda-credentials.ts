/**
 * The DPoP authorizer's AWS credentials, as the Lambda runtime hands them over: in the
 * environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN of the function's role).
 *
 * The build (plugins/esbuild.cjs) puts this module in place of the SDK's default provider chain,
 * whose other sources (SSO, profiles, IMDS, web identity, ...) a Lambda function never uses and
 * whose code (with the STS and SSO clients it loads) doubled the bundle and its cold load
 * (BENCHMARKS.md). Without them in the environment, the replay claim fails and the request gets
 * 500: fail closed, as with an unreachable table.
 */
export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';
