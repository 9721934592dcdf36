import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { json } from './http';
import { readIdentity } from './identity';

/** Protected by the token authorizer: the caller's identity is what the authorizer put in its context. */
export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const identity = readIdentity(event.requestContext?.authorizer);
  if (!identity) {
    // Only reachable if the route was deployed without its authorizer: fail closed.
    return json(event, 500, { message: 'Internal server error' });
  }
  return json(event, 200, identity, { 'Cache-Control': 'no-store' });
}
