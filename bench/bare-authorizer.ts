/**
 * The least a user could deploy to verify Okta access tokens in a TOKEN authorizer, the contender
 * of `npm run bench`'s cold starts: aws-jwt-verify's JwtVerifier, its keys prefetched while the
 * module loads, and an Allow on the method for any valid token. No scopes per route, no policy
 * cache safety, no logging: what ours is measured against, never deployed.
 */
import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { JwtVerifier } from 'aws-jwt-verify';

const issuer = process.env.OKTA_ISSUER as string;
const verifier = JwtVerifier.create({
  issuer,
  audience: process.env.OKTA_AUDIENCE ?? 'api://default',
  jwksUri: `${issuer}/v1/keys`,
});
const prefetched = verifier.hydrate();

export async function handler(
  event: APIGatewayTokenAuthorizerEvent,
): Promise<APIGatewayAuthorizerResult> {
  await prefetched;
  const payload = await verifier.verify(event.authorizationToken.replace(/^Bearer /, ''));
  return {
    principalId: payload.sub as string,
    policyDocument: {
      Version: '2012-10-17',
      Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }],
    },
  };
}
