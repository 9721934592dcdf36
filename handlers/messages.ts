import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { scopesByRoute } from '../route-table/routes-compiled';
import { json } from './http';
import { readIdentity } from './identity';

const MESSAGES = [
  { id: 1, text: 'Welcome! This list is readable with ReadOnly or AccessAll.' },
  { id: 2, text: 'Routes and their scopes are declared once, in routes.ts.' },
  { id: 3, text: 'One cache-safe policy per token covers every route.' },
];

const named = scopesByRoute['GET /api/messages'];
if (!named) throw new Error('routes.ts has no GET /api/messages: this handler serves that route');
/** Every scope the route names: the ones that let a caller in. */
const routeScopes = named;

/** Protected (routes.ts): a fixed list, and who asked with the scopes that let them in. */
export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const identity = readIdentity(event.requestContext?.authorizer);
  if (!identity) return json(event, 500, { message: 'Internal server error' });
  return json(
    event,
    200,
    {
      messages: MESSAGES,
      requestedBy: {
        sub: identity.sub,
        scopes: identity.scopes.filter((scope) => routeScopes.includes(scope)),
      },
    },
    { 'Cache-Control': 'no-store' },
  );
}
