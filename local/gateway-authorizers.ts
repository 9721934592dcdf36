/**
 * The local gateway's authorizers, called as API Gateway calls them (through serverless offline's
 * Lambda invoke API) and read the same way: a TOKEN authorizer's result cached per token for its
 * TTL, a REQUEST authorizer's event built from the whole request.
 */
import type { IncomingMessage } from 'node:http';
import type { PolicyDocument } from 'aws-lambda';
import type { AuthorizerDescription, GatewayRoute } from './gateway-description';

export const ACCOUNT = '000000000000';
export const API_ID = 'local';

export type AuthorizerResult =
  | {
      kind: 'policy';
      principalId: string;
      policy: PolicyDocument;
      context: Record<string, string>;
      /** The API key of the caller's usage plan, when the authorizer names one. */
      usageIdentifierKey?: string;
    }
  | { kind: 'unauthorized' }
  | { kind: 'failure' };

export class GatewayAuthorizers {
  private readonly cache = new Map<string, { result: AuthorizerResult; until: number }>();
  /** Calls in flight, per authorizer and token: requests that come meanwhile share the answer. */
  private readonly pending = new Map<string, Promise<AuthorizerResult>>();

  constructor(
    private readonly lambdaUrl: string,
    private readonly stage: string,
  ) {}

  /** Invokes an authorizer function as API Gateway does, and reads its answer the same way. */
  async invoke(functionName: string, event: object): Promise<AuthorizerResult> {
    const response = await fetch(
      `${this.lambdaUrl}/2015-03-31/functions/${functionName}/invocations`,
      { method: 'POST', body: JSON.stringify(event) },
    );
    const payload = (await response.json()) as {
      errorMessage?: string;
      principalId?: string;
      policyDocument?: PolicyDocument;
      context?: Record<string, unknown>;
      usageIdentifierKey?: string;
    };
    if (payload.errorMessage !== undefined || !payload.policyDocument || !payload.principalId) {
      // API Gateway: exactly "Unauthorized" is a 401; any other error an authorizer failure (500).
      return payload.errorMessage === 'Unauthorized'
        ? { kind: 'unauthorized' }
        : { kind: 'failure' };
    }
    return {
      kind: 'policy',
      principalId: payload.principalId,
      policy: payload.policyDocument,
      usageIdentifierKey: payload.usageIdentifierKey,
      context: Object.fromEntries(
        Object.entries(payload.context ?? {}).map(([key, value]) => [key, String(value)]),
      ),
    };
  }

  /** A TOKEN authorizer's answer, cached per authorizer and token for its TTL. */
  async authorizeToken(
    name: string,
    authorizer: AuthorizerDescription,
    token: string,
    methodArn: string,
  ): Promise<AuthorizerResult> {
    const key = `${name} ${token}`;
    const cached = this.cache.get(key);
    if (cached && cached.until > Date.now()) return cached.result;
    const caching = authorizer.ttlSeconds > 0;
    const inFlight = caching ? this.pending.get(key) : undefined;
    if (inFlight) return inFlight;
    const call = this.invoke(authorizer.functionName, {
      type: 'TOKEN',
      authorizationToken: token,
      methodArn,
    });
    if (caching) this.pending.set(key, call);
    try {
      const result = await call;
      if (result.kind === 'policy' && caching) {
        this.cache.set(key, { result, until: Date.now() + authorizer.ttlSeconds * 1000 });
      }
      return result;
    } finally {
      this.pending.delete(key);
    }
  }

  /**
   * A REQUEST authorizer's event, as API Gateway builds it for a REST API: every header (and each
   * value of a repeated one), the method, and requestContext.path as the client called it (this
   * gateway serves no stage prefix in its URLs, as a custom domain would).
   */
  requestEvent(req: IncomingMessage, route: GatewayRoute, methodArn: string): object {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i] as string;
      const value = req.rawHeaders[i + 1] as string;
      headers[name] = value;
      (multiValueHeaders[name] ??= []).push(value);
    }
    return {
      type: 'REQUEST',
      methodArn,
      resource: route.path,
      path: url.pathname,
      httpMethod: (req.method ?? 'GET').toUpperCase(),
      headers,
      multiValueHeaders,
      queryStringParameters: Object.fromEntries(url.searchParams),
      requestContext: {
        apiId: API_ID,
        stage: this.stage,
        path: url.pathname,
        domainName: req.headers.host ?? '',
        httpMethod: (req.method ?? 'GET').toUpperCase(),
        resourcePath: route.path,
      },
    };
  }
}
