import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { routes } from '../routes';
import { json } from './http';
import { readIdentity } from './whoami';

const MESSAGES = [
  { id: 1, text: 'Welcome! This list is readable with ReadOnly or AccessAll.' },
  { id: 2, text: 'Routes and their scopes are declared once, in routes.ts.' },
  { id: 3, text: 'One cache-safe policy per token covers every route.' },
];

const access: { allOf?: readonly string[]; anyOf?: readonly string[] } | string =
  routes['GET /api/messages'];
// Stryker disable next-line ConditionalExpression,ArrayDeclaration: a string access has no allOf or anyOf either, and an object one always has one of them
const routeScopes = typeof access === 'object' ? (access.allOf ?? access.anyOf ?? []) : [];

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
