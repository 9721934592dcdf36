/**
 * The answers API Gateway gives itself, before or instead of a handler: read from serverless.yml's
 * gateway responses (their status, body template and WWW-Authenticate), so the document says what
 * the stage sends. A response type serverless.yml does not customise answers as API Gateway does.
 */
import { gatewayResponsesOf } from '../local/gateway-description';
import { API_GATEWAY_MESSAGES, type ResponseType } from '../local/gateway-responses';
import { readServerlessYml } from '../settings/project.cjs';
import type { Schema } from './operations';

export interface GatewayAnswer {
  /** The body's schema: each property of the template, with its value. */
  schema: Schema;
  /** The WWW-Authenticate header API Gateway adds, when the response sets one. */
  wwwAuthenticate?: string;
}

export interface GatewayAnswers {
  unauthorized: GatewayAnswer;
  /** A token without the route's scopes. */
  accessDenied: GatewayAnswer;
  /** Over the caller's or the stage's rate or burst; past the caller's quota. */
  throttled: GatewayAnswer;
  quotaExceeded: GatewayAnswer;
}

export function gatewayAnswers(serverlessYml: unknown = readServerlessYml()): GatewayAnswers {
  const { resources } = serverlessYml as { resources?: { Resources?: never } };
  const responses = gatewayResponsesOf(resources?.Resources);
  const answer = (type: ResponseType): GatewayAnswer => {
    const response = responses.find((r) => r.type === type);
    const template = response?.templates['application/json'];
    const body = template
      ? (JSON.parse(template) as Record<string, unknown>)
      : { message: API_GATEWAY_MESSAGES[type] };
    const header = response?.parameters['gatewayresponse.header.WWW-Authenticate'];
    return {
      schema: constObject(body),
      // A static header value is quoted ('...') in a gateway response.
      ...(header && { wwwAuthenticate: header.replace(/^'|'$/g, '') }),
    };
  };
  return {
    unauthorized: answer('UNAUTHORIZED'),
    accessDenied: answer('ACCESS_DENIED'),
    throttled: answer('THROTTLED'),
    quotaExceeded: answer('QUOTA_EXCEEDED'),
  };
}

/** An object whose every property is required and has the template's value. */
function constObject(body: Record<string, unknown>): Schema {
  return {
    type: 'object',
    properties: Object.fromEntries(
      Object.entries(body).map(([key, value]) => [key, { const: value }]),
    ),
    required: Object.keys(body),
    additionalProperties: false,
  };
}
