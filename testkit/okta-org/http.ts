/** The stand-in's HTTP answers: Okta's headers, Okta's error bodies, its JSON request bodies. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorId, type Json, OktaError } from './model';

/** Okta's error body: its code and summary, no causes. */
export function oktaError(errorCode: string, errorSummary: string): Json {
  return { errorCode, errorSummary, errorLink: errorCode, errorId: errorId(), errorCauses: [] };
}

export function send(res: ServerResponse, status: number, body?: unknown, headers: Json = {}) {
  res.writeHead(status, {
    'content-type': 'application/json',
    date: new Date().toUTCString(),
    'x-okta-request-id': randomUUID(),
    'x-rate-limit-limit': '100',
    'x-rate-limit-remaining': '99',
    'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + 60),
    ...headers,
  } as Record<string, string>);
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

export async function readBody(req: IncomingMessage): Promise<Json> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  if (!text) return {};
  try {
    const parsed = JSON.parse(text) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as Json;
  } catch {
    // below
  }
  throw new OktaError(400, oktaError('E0000003', 'The request body was not well-formed.'));
}
