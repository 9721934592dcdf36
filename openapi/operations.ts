/**
 * What each route's handler takes and answers, for the OpenAPI document (openapi/document.ts).
 * routes.ts says who may call a route; this says what the call looks like. Every route of the table
 * needs an entry here: `npm run openapi` refuses a route without one, naming it. The answers the
 * gateway gives itself (401, 403, 429, 500) come from serverless.yml (openapi/gateway-answers.ts).
 */

/** A JSON Schema (2020-12, as OpenAPI 3.1 takes it). */
export type Schema = Record<string, unknown>;

export interface Answer {
  description: string;
  /** A name under components.schemas. */
  schema: string;
  /** `Cache-Control: no-store` (answers that carry the caller's identity). */
  noStore?: boolean;
}

export interface OperationDescription {
  operationId: string;
  summary: string;
  description?: string;
  /** The JSON body the handler takes: a name under components.schemas. */
  requestBody?: { schema: string; description: string };
  /** The handler's answers, by status: its success, and any refusal of its own (400). */
  answers: Record<number, Answer>;
}

/** The handlers' bodies (handlers/*.ts), described property by property. */
export const schemas: Record<string, Schema> = {
  Hello: {
    type: 'object',
    properties: { message: { type: 'string', examples: ['Hello! This endpoint is public.'] } },
    required: ['message'],
    additionalProperties: false,
  },
  Identity: {
    type: 'object',
    description: "The caller, as the authorizer read it from the access token's claims.",
    properties: {
      sub: { type: 'string', description: 'The subject: a user login, or a client id.' },
      cid: { type: 'string', description: 'The client the token was issued to.' },
      uid: { type: 'string', description: "The user's Okta id (user tokens only)." },
      scopes: {
        type: 'array',
        items: { type: 'string' },
        description: "The token's scopes.",
      },
      issuer: { type: 'string', format: 'uri', description: 'The authorization server.' },
      expiresAt: { type: 'string', format: 'date-time', description: 'When the token expires.' },
    },
    required: ['sub', 'scopes', 'issuer', 'expiresAt'],
    additionalProperties: false,
  },
  Messages: {
    type: 'object',
    properties: {
      messages: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            id: { type: 'integer', minimum: 1 },
            text: { type: 'string' },
          },
          required: ['id', 'text'],
          additionalProperties: false,
        },
      },
      requestedBy: {
        type: 'object',
        description: "Who asked, and which of the token's scopes let them in.",
        properties: {
          sub: { type: 'string' },
          scopes: { type: 'array', items: { type: 'string' } },
        },
        required: ['sub', 'scopes'],
        additionalProperties: false,
      },
    },
    required: ['messages', 'requestedBy'],
    additionalProperties: false,
  },
  NewMessage: {
    type: 'object',
    properties: {
      text: {
        type: 'string',
        minLength: 1,
        maxLength: 500,
        pattern: '\\S',
        description: '1 to 500 characters, not all blank.',
        examples: ['Hello from a DPoP-bound token'],
      },
    },
    required: ['text'],
  },
  PostedMessage: {
    type: 'object',
    description: 'The message as accepted (nothing is stored), who sent it and their key.',
    properties: {
      text: { type: 'string' },
      sub: { type: 'string' },
      jkt: {
        type: 'string',
        description: 'The JWK SHA-256 thumbprint (RFC 7638) of the key the token is bound to.',
      },
    },
    required: ['text', 'sub', 'jkt'],
    additionalProperties: false,
  },
  BadRequest: {
    type: 'object',
    properties: {
      message: { type: 'string', description: 'What was wrong with the body.' },
      error: { const: 'invalid_request' },
    },
    required: ['message', 'error'],
    additionalProperties: false,
  },
};

/** Each route of routes.ts, by its key. */
export const operations: Record<string, OperationDescription> = {
  'GET /api/hello': {
    operationId: 'getHello',
    summary: 'Say hello (public)',
    answers: { 200: { description: 'A greeting.', schema: 'Hello' } },
  },
  'GET /api/whoami': {
    operationId: 'getWhoami',
    summary: "The caller's identity, from its access token",
    answers: { 200: { description: 'The caller.', schema: 'Identity', noStore: true } },
  },
  'GET /api/messages': {
    operationId: 'listMessages',
    summary: 'List the messages',
    answers: {
      200: { description: 'The messages, and who asked.', schema: 'Messages', noStore: true },
    },
  },
  'POST /api/messages': {
    operationId: 'postMessage',
    summary: 'Post a message (DPoP-bound tokens only)',
    description:
      'A sender-constrained write: the token must be bound to a key (cnf.jkt) and the request ' +
      'carry a fresh DPoP proof signed with it, for this method and URL. Nothing is stored.',
    requestBody: { schema: 'NewMessage', description: 'The message.' },
    answers: {
      201: { description: 'Accepted.', schema: 'PostedMessage', noStore: true },
      400: { description: 'The body is not a valid message.', schema: 'BadRequest' },
    },
  },
};
