import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

/**
 * CORS_ORIGINS: `*`, or comma-separated origins such as `https://app.example.com`.
 * serverless.yml validates it at package time with this same function.
 */
export function parseOrigins(raw: string | undefined = process.env.CORS_ORIGINS): string[] {
  const origins = (raw ?? '*')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  if (origins.length === 0) {
    throw new Error(
      'CORS_ORIGINS is empty. Use * or a comma-separated list such as https://app.example.com.',
    );
  }
  if (origins.includes('*') && origins.length > 1) {
    throw new Error(
      `CORS_ORIGINS mixes * with origins (${raw}). Use * alone, or list the origins.`,
    );
  }
  for (const origin of origins) {
    if (origin !== '*' && !isOrigin(origin)) {
      throw new Error(
        `CORS_ORIGINS has ${JSON.stringify(origin)}, which is not an origin. Write scheme://host[:port] with no path, e.g. https://app.example.com.`,
      );
    }
  }
  return origins;
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) && url.origin === value;
  } catch {
    return false;
  }
}

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
