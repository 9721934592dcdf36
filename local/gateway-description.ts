import type { UsagePlanLimits } from './usage-limits';

/**
 * What the local gateway needs to answer as API Gateway does, taken from serverless.yml as
 * serverless resolved it (local/offline-gateway.cjs writes it when `npm start` asks): the routes and
 * their CORS, the authorizers, the gateway responses and the usage plans.
 */
export interface CorsConfig {
  origins: string[];
  /** Origins given as a list: the preflight echoes a matching Origin (osls's response template). */
  echo: boolean;
  headers: string[];
  maxAge?: number;
  allowCredentials?: boolean;
}

export interface GatewayRoute {
  method: string;
  path: string;
  protected: boolean;
  /** `private: true`: the authorizer's usage plan key is required (plugins/usage-plans.cjs). */
  apiKeyRequired?: boolean;
  /** The name of the authorizer it is wired to (custom.oktaAuthorizer or oktaDpopAuthorizer). */
  authorizer?: string;
  cors?: CorsConfig;
}

export interface AuthorizerDescription {
  functionName: string;
  type: 'TOKEN' | 'REQUEST';
  /** The identity source's header (TOKEN); a REQUEST authorizer with TTL 0 has none. */
  header?: string;
  ttlSeconds: number;
}

export interface GatewayResponseConfig {
  type: string;
  statusCode?: string;
  parameters: Record<string, string>;
  templates: Record<string, string>;
}

export interface GatewayDescription {
  stage: string;
  region: string;
  authorizers: Record<string, AuthorizerDescription>;
  routes: GatewayRoute[];
  gatewayResponses: GatewayResponseConfig[];
  /** The usage plans, by API key (provider.apiGateway.apiKeys and usagePlan). */
  usagePlans: UsagePlanLimits[];
}

// serverless's defaults for `cors: true` (osls: api-gateway/lib/validate.js).
const DEFAULT_CORS_HEADERS = [
  'Content-Type',
  'X-Amz-Date',
  'Authorization',
  'X-Api-Key',
  'X-Amz-Security-Token',
  'X-Amz-User-Agent',
  'X-Amzn-Trace-Id',
];

interface Service {
  service?: string;
  provider: {
    stage: string;
    region: string;
    apiGateway?: {
      apiKeys?: Record<string, { name: string; value: string }[]>[];
      usagePlan?: Record<
        string,
        {
          throttle?: { rateLimit: number; burstLimit: number };
          quota?: { limit: number; period: 'DAY' | 'WEEK' | 'MONTH' };
        }
      >[];
    };
  };
  custom?: Record<string, unknown> & {
    oktaAuthorizer?: AuthorizerConfig;
    oktaDpopAuthorizer?: AuthorizerConfig;
  };
  functions?: Record<string, { name?: string; events?: { http?: unknown }[] }>;
  resources?: {
    Resources?: Record<string, { Type?: string; Properties?: Record<string, unknown> }>;
  };
}

interface AuthorizerConfig {
  name?: string;
  type?: string;
  identitySource?: string;
  resultTtlInSeconds?: number;
}

export function describeGateway(service: Service): GatewayDescription {
  const authorizers: Record<string, AuthorizerDescription> = {};
  for (const config of [service.custom?.oktaAuthorizer, service.custom?.oktaDpopAuthorizer]) {
    if (!config) continue;
    const name = config.name ?? 'authorizer';
    const type = String(config.type ?? 'token').toUpperCase() === 'REQUEST' ? 'REQUEST' : 'TOKEN';
    const ttlSeconds = Number(config.resultTtlInSeconds ?? 300);
    // osls's defaults: a TOKEN authorizer, or a cached REQUEST one, reads the Authorization header.
    const source =
      config.identitySource ??
      (type === 'REQUEST' && ttlSeconds === 0 ? undefined : 'method.request.header.Authorization');
    authorizers[name] = {
      functionName: service.functions?.[name]?.name ?? name,
      type,
      header: source?.replace('method.request.header.', ''),
      ttlSeconds,
    };
  }
  const routes: GatewayRoute[] = [];
  for (const fn of Object.values(service.functions ?? {})) {
    for (const event of fn.events ?? []) {
      const http = event.http as
        | {
            method: string;
            path: string;
            cors?: unknown;
            authorizer?: { name?: string };
            private?: boolean;
          }
        | undefined;
      if (!http || typeof http !== 'object') continue;
      routes.push({
        method: String(http.method).toUpperCase(),
        path: `/${String(http.path).replace(/^\/+/, '')}`,
        protected: http.authorizer !== undefined,
        authorizer: http.authorizer ? (http.authorizer.name ?? 'authorizer') : undefined,
        apiKeyRequired: http.private === true,
        cors: corsConfig(http.cors),
      });
    }
  }
  return {
    stage: service.provider.stage,
    region: service.provider.region,
    authorizers,
    routes,
    gatewayResponses: gatewayResponsesOf(service.resources?.Resources),
    usagePlans: usagePlans(service),
  };
}

/** serverless.yml's gateway responses (resources.Resources of type AWS::ApiGateway::GatewayResponse). */
export function gatewayResponsesOf(
  resources: Record<string, { Type?: string; Properties?: Record<string, unknown> }> = {},
): GatewayResponseConfig[] {
  return Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::ApiGateway::GatewayResponse')
    .map(({ Properties: p = {} }) => ({
      type: String(p.ResponseType),
      statusCode: p.StatusCode === undefined ? undefined : String(p.StatusCode),
      parameters: (p.ResponseParameters ?? {}) as Record<string, string>,
      templates: (p.ResponseTemplates ?? {}) as Record<string, string>,
    }));
}

/** osls's `apiKeys` (plan name → its keys) joined with `usagePlan` (plan name → its limits). */
function usagePlans(service: Service): UsagePlanLimits[] {
  const { apiKeys = [], usagePlan = [] } = service.provider.apiGateway ?? {};
  const prefix = `${service.service}-${service.provider.stage}-`;
  return apiKeys.flatMap((entry) =>
    Object.entries(entry).flatMap(([plan, keys]) => {
      const limits = usagePlan.find((p) => p[plan])?.[plan];
      if (!limits?.throttle) return [];
      return keys.map((key) => ({
        key: key.value,
        caller: key.name.startsWith(prefix) ? key.name.slice(prefix.length) : key.name,
        rate: limits.throttle!.rateLimit,
        burst: limits.throttle!.burstLimit,
        ...(limits.quota && { quota: limits.quota }),
      }));
    }),
  );
}

function corsConfig(cors: unknown): CorsConfig | undefined {
  if (!cors) return undefined;
  if (cors === true) return { origins: ['*'], echo: false, headers: DEFAULT_CORS_HEADERS };
  const c = cors as {
    origin?: string;
    origins?: string[];
    headers?: string[];
    maxAge?: number;
    allowCredentials?: boolean;
  };
  const list =
    c.origins ?? (c.origin?.includes(',') ? c.origin.split(',').map((o) => o.trim()) : undefined);
  return {
    origins: list ?? [c.origin ?? '*'],
    echo: list !== undefined,
    headers: c.headers ?? DEFAULT_CORS_HEADERS,
    maxAge: c.maxAge,
    allowCredentials: c.allowCredentials,
  };
}
