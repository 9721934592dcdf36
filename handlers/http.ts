import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { parseOrigins } from '../settings/cors';

const origins = parseOrigins();

/**
 * The proxy integration bypasses API Gateway's CORS settings, so each response names the
 * allowed origin itself: `*`, or the caller's Origin when it is on the list.
 */
export function corsHeaders(event: Pick<APIGatewayProxyEvent, 'headers'>): Record<string, string> {
  if (origins.includes('*')) return { 'Access-Control-Allow-Origin': '*' };
  const origin = Object.entries(event.headers ?? {}).find(
    ([name]) => name.toLowerCase() === 'origin',
  )?.[1];
  if (origin && origins.includes(origin))
    return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' };
  return { Vary: 'Origin' };
}

export function json(
  event: Pick<APIGatewayProxyEvent, 'headers'>,
  statusCode: number,
  body: unknown,
  headers: Record<string, string> = {},
): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', ...corsHeaders(event), ...headers },
    body: JSON.stringify(body),
  };
}
