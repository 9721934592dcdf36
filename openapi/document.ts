/**
 * The API's OpenAPI 3.1 document, made from routes.ts: one operation per route, with its exact
 * security (openapi/security.ts), the handler's answers (openapi/operations.ts) and the gateway's
 * own (serverless.yml, openapi/gateway-answers.ts). `npm run -s openapi` prints it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Callers,
  compileCallers,
  type CallersInput,
  type Limits,
} from '../route-table/callers';
import { compileRouteTable, type Route, type RouteTableInput } from '../route-table/compile';
import { describeRequirement } from '../route-table/access';
import { METHODS } from '../route-table/compiled';
import { ROOT, readServerlessYml } from '../settings/project.cjs';
import { type GatewayAnswers, gatewayAnswers } from './gateway-answers';
import {
  type Answer,
  operations as describedOperations,
  type OperationDescription,
  schemas,
} from './operations';
import { type IssuerEndpoints, scopeDescriptions, securityOf, securitySchemes } from './security';

export type OpenApiDocument = Record<string, unknown> & {
  paths: Record<string, Record<string, Operation>>;
};

export interface Operation {
  operationId: string;
  summary: string;
  security: Record<string, string[]>[];
  responses: Record<string, unknown>;
  [more: string]: unknown;
}

export interface Server {
  url: string;
  description: string;
  variables?: Record<string, { default: string; description: string }>;
}

/** Where the API and its issuer are: the local stack, or a deployed stage. */
export interface Target {
  servers: Server[];
  issuer: IssuerEndpoints;
}

export class OpenApiError extends Error {
  override name = 'OpenApiError';
}

const JSON_CONTENT = 'application/json';

export function openApiDocument(
  target: Target,
  input: {
    routes: RouteTableInput;
    callers: CallersInput;
    operations?: Record<string, OperationDescription>;
  },
): OpenApiDocument {
  const table = compileRouteTable(input.routes);
  const callers = compileCallers(input.callers, input.routes);
  const described = input.operations ?? describedOperations;
  const serverlessYml = readServerlessYml();
  const gateway = gatewayAnswers(serverlessYml);
  const { service } = serverlessYml as { service: string };
  const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    version: string;
  };

  const paths: OpenApiDocument['paths'] = {};
  for (const route of table.routes) {
    const description = described[route.key];
    if (!description) {
      throw new OpenApiError(
        `routes.ts has ${route.key}, which openapi/operations.ts does not describe: add what its handler takes and answers there.`,
      );
    }
    const path = openApiPath(route);
    const methods =
      route.method === 'ANY' ? METHODS.filter((m) => m !== 'OPTIONS') : [route.method];
    for (const method of methods) {
      paths[path] ??= {};
      (paths[path] as Record<string, Operation>)[method.toLowerCase()] = operation(
        route,
        description,
        route.method === 'ANY' ? method : undefined,
      );
    }
  }
  for (const key of Object.keys(described)) {
    if (!table.routes.some((route) => route.key === key)) {
      throw new OpenApiError(
        `openapi/operations.ts describes ${key}, which routes.ts does not have: remove it, or add the route.`,
      );
    }
  }

  return {
    openapi: '3.1.1',
    info: {
      title: service,
      version,
      summary: 'A serverless API on API Gateway and Lambda, protected by Okta access tokens.',
      description: infoDescription(callers),
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: target.servers,
    tags: [
      { name: 'public', description: 'No token needed.' },
      {
        name: 'protected',
        description: 'An Okta access token with the scopes each operation names.',
      },
    ],
    paths,
    components: {
      schemas: { ...schemas, ...gatewaySchemas(gateway) },
      responses: gatewayResponses(gateway),
      securitySchemes: securitySchemes(target.issuer, scopeDescriptions(table.routes, callers)),
    },
  };
}

/** `/api/items/{id}`; a greedy `{proxy+}` is the parameter `{proxy}`, the rest of the path. */
function openApiPath(route: Route): string {
  if (route.segments.length === 0) return '/';
  return route.segments
    .map((segment) => (segment.kind === 'literal' ? `/${segment.value}` : `/{${segment.name}}`))
    .join('');
}

function operation(route: Route, description: OperationDescription, method?: string): Operation {
  const isProtected = route.access !== 'anonymous';
  const parameters = route.segments.flatMap((segment) =>
    segment.kind === 'literal'
      ? []
      : [
          {
            name: segment.name,
            in: 'path',
            required: true,
            description: segment.kind === 'greedy' ? 'The rest of the path.' : undefined,
            schema: { type: 'string' },
          },
        ],
  );
  const responses: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(description.answers)) {
    responses[status] = handlerResponse(answer);
  }
  if (isProtected) {
    responses['401'] = { $ref: '#/components/responses/Unauthorized' };
    if (route.access !== 'anonymous' && route.access.kind !== 'authenticated') {
      responses['403'] = { $ref: '#/components/responses/Forbidden' };
    }
  }
  responses['429'] = { $ref: '#/components/responses/TooManyRequests' };
  responses['500'] = { $ref: '#/components/responses/ServerError' };
  return {
    operationId: method
      ? `${description.operationId}${capitalise(method)}`
      : description.operationId,
    summary: description.summary,
    description: [description.description, accessLine(route)].filter(Boolean).join('\n\n'),
    tags: [isProtected ? 'protected' : 'public'],
    ...(parameters.length > 0 && { parameters }),
    ...(description.requestBody && {
      requestBody: {
        required: true,
        description: description.requestBody.description,
        content: { [JSON_CONTENT]: { schema: ref(description.requestBody.schema) } },
      },
    }),
    security: securityOf(route),
    responses,
  };
}

/** The route's access in words, as the banner says it (security says it for tools). */
function accessLine(route: Route): string {
  if (route.access === 'anonymous') return '**Access:** anyone: no token needed.';
  const token = {
    off: 'as a Bearer token',
    allowed: 'as a Bearer token, or DPoP-bound with a proof',
    required: 'DPoP-bound only, with a proof (RFC 9449)',
  }[route.dpop];
  return `**Access:** ${describeRequirement(route.access)}, ${token}.`;
}

function handlerResponse(answer: Answer): Record<string, unknown> {
  return {
    description: answer.description,
    ...(answer.noStore && {
      headers: {
        'Cache-Control': {
          description: 'The answer carries who asked: never cached.',
          schema: { const: 'no-store' },
        },
      },
    }),
    content: { [JSON_CONTENT]: { schema: ref(answer.schema) } },
  };
}

function gatewaySchemas(gateway: GatewayAnswers): Record<string, unknown> {
  return {
    Unauthorized: gateway.unauthorized.schema,
    Forbidden: gateway.accessDenied.schema,
    TooManyRequests: { oneOf: [gateway.throttled.schema, gateway.quotaExceeded.schema] },
    ServerError: {
      type: 'object',
      description:
        "API Gateway's body when the authorizer could not decide (`null`), or the function's when it failed.",
      properties: { message: { type: ['string', 'null'] } },
      required: ['message'],
      additionalProperties: false,
    },
  };
}

function gatewayResponses(gateway: GatewayAnswers): Record<string, unknown> {
  const challenge = (value: string | undefined) =>
    value && {
      headers: {
        'WWW-Authenticate': {
          description: 'RFC 6750 section 3 (and RFC 9449 section 7.1): what was wrong.',
          required: true,
          schema: { type: 'string', examples: [value] },
        },
      },
    };
  return {
    Unauthorized: {
      description:
        'No token, or one that is not valid: a bad signature, another issuer or audience, expired; ' +
        'on DPoP routes, a missing, reused or mismatched proof. The decision log says which.',
      ...challenge(gateway.unauthorized.wwwAuthenticate),
      content: { [JSON_CONTENT]: { schema: ref('Unauthorized') } },
    },
    Forbidden: {
      description: "A valid token without the operation's scopes.",
      ...challenge(gateway.accessDenied.wwwAuthenticate),
      content: { [JSON_CONTENT]: { schema: ref('Forbidden') } },
    },
    TooManyRequests: {
      description:
        "Over the stage's rate or burst, or (protected operations) over the caller's own usage " +
        'plan or past its quota (routes.ts callers). API Gateway applies them best-effort.',
      content: { [JSON_CONTENT]: { schema: ref('TooManyRequests') } },
    },
    ServerError: {
      description:
        "The authorizer could not decide (the issuer's keys unreachable, a misconfiguration) or the function failed. Never an Allow.",
      content: { [JSON_CONTENT]: { schema: ref('ServerError') } },
    },
  };
}

function infoDescription(callers: Callers): string {
  const limits = (l: Limits | undefined) =>
    l
      ? `${l.rate} requests/s, burst ${l.burst}${l.quota ? `, ${l.quota.limit} per ${l.quota.period.toLowerCase()}` : ''}`
      : "the stage's";
  const rows = [
    ...callers.clients.map((c) => `| ${c.name} | ${c.scopes.join(', ')} | ${limits(c.limits)} |`),
    ...(callers.browserApp
      ? [
          `| browser app | ${callers.browserApp.people.map((p) => `${p.group}: ${p.scopes.join(', ')}`).join('; ')} | ${limits(callers.browserApp.limits)} |`,
        ]
      : []),
    `| any other client | as its token says | ${limits(callers.othersLimits)} |`,
  ];
  return [
    'Generated from `routes.ts`: each operation lists the scopes its token needs, as alternatives',
    ' (any one of them) or all together, and whether the token must be DPoP-bound (RFC 9449).',
    '',
    "Who calls it, the scopes each may get, and each caller's limits:",
    '',
    '| caller | scopes | limits |',
    '| --- | --- | --- |',
    ...rows,
  ].join('\n');
}

const ref = (schema: string) => ({ $ref: `#/components/schemas/${schema}` });
const capitalise = (method: string) => method.charAt(0) + method.slice(1).toLowerCase();
