import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { json } from './http';
import { readIdentity } from './identity';

/** A message's text: 1 to 500 characters. */
const MAX_TEXT = 500;

/**
 * `POST /api/messages` (routes.ts: AccessAll, DPoP required): answers 201 with the text it
 * accepted, who sent it and the key their token is bound to. Nothing is stored: it shows what a
 * sender-constrained write looks like.
 */
export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const identity = readIdentity(event.requestContext?.authorizer);
  const jkt = event.requestContext?.authorizer?.jkt;
  // Only reachable if the route was deployed without its authorizer: fail closed.
  if (!identity || typeof jkt !== 'string' || !jkt) {
    return json(event, 500, { message: 'Internal server error' });
  }
  const text = readText(event.body, event.isBase64Encoded);
  if (typeof text !== 'string')
    return json(event, 400, { message: text.error, error: 'invalid_request' });
  return json(event, 201, { text, sub: identity.sub, jkt }, { 'Cache-Control': 'no-store' });
}

function readText(body: string | null, base64: boolean): string | { error: string } {
  const expected = `the body must be JSON: { "text": "..." }, 1 to ${MAX_TEXT} characters`;
  if (!body) return { error: `no body: ${expected}` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(base64 ? Buffer.from(body, 'base64').toString('utf8') : body);
  } catch {
    return { error: `not JSON: ${expected}` };
  }
  // Only an object has a `text` member: null, numbers, strings and arrays (JSON gives them none) fail.
  const text = (parsed as { text?: unknown } | null)?.text;
  if (typeof text !== 'string') return { error: expected };
  const length = [...text].length;
  if (text.trim() === '') return { error: `text is blank: ${expected}` };
  if (length > MAX_TEXT) return { error: `text has ${length} characters: ${expected}` };
  return text;
}
