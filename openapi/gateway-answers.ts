/**
 * The answers API Gateway gives itself, before or instead of a handler: read from serverless.yml's
 * gateway responses (their status, body template and WWW-Authenticate), so the document says what
 * the stage sends. A response type serverless.yml does not customise answers as API Gateway does.
 */
import { readServerlessYml } from '../settings/project.cjs';
import type { Schema } from './operations';

export interface GatewayAnswer {
  /** The body's schema: each property of the template, with its value. */
  schema: Schema;
  /** The WWW-Authenticate header API Gateway adds, when the response sets one. */
  wwwAuthenticate?: string;
}

interface GatewayResponseResource {
  Type: string;
  Properties: {
    ResponseType: string;
    ResponseParameters?: Record<string, string>;
    ResponseTemplates?: Record<string, string>;
  };
}

/** API Gateway's own bodies, for a response type serverless.yml leaves as it is. */
const DEFAULT_BODIES: Record<string, Record<string, unknown>> = {
  UNAUTHORIZED: { message: 'Unauthorized' },
  ACCESS_DENIED: { message: 'User is not authorized to access this resource' },
  THROTTLED: { message: 'Too Many Requests' },
  QUOTA_EXCEEDED: { message: 'Limit Exceeded' },
};

export interface GatewayAnswers {
  unauthorized: GatewayAnswer;
  /** A token without the route's scopes. */
  accessDenied: GatewayAnswer;
  /** Over the caller's or the stage's rate or burst; past the caller's quota. */
  throttled: GatewayAnswer;
  quotaExceeded: GatewayAnswer;
}

export function gatewayAnswers(serverlessYml: unknown = readServerlessYml()): GatewayAnswers {
  const config = serverlessYml as {
    resources?: { Resources?: Record<string, GatewayResponseResource> };
  };
  const resources = Object.values(config.resources?.Resources ?? {}).filter(
    (resource) => resource.Type === 'AWS::ApiGateway::GatewayResponse',
  );
  const answer = (type: string): GatewayAnswer => {
    const resource = resources.find((r) => r.Properties.ResponseType === type)?.Properties;
    const template = resource?.ResponseTemplates?.['application/json'];
    const body = template
      ? (JSON.parse(template) as Record<string, unknown>)
      : (DEFAULT_BODIES[type] as Record<string, unknown>);
    const header = resource?.ResponseParameters?.['gatewayresponse.header.WWW-Authenticate'];
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
