/**
 * The DPoP matrix's set-up, shared by its suites (test/security/dpop-*.test.ts): a JWKS, three
 * proof keys, the REQUEST authorizer over a table with a route of each DPoP mode, a fresh replay
 * store and captured logs for each test, and the calls the cases make.
 */
import {
  API_HOST,
  coldStartRequest,
  type RequestAuthorizerHandler,
  requestAnswer,
  requestEvent,
} from './authorizer';
import { captureLogs, type CapturedLogs } from './logs';
import { MemoryReplayStore } from '../authorizer/replay-store';
import { startJwksServer, type JwksServer } from './jwks-server';
import { proof, proofKey, type ProofKey } from './dpop';
import { oktaClaims, rsaKey, sign, type TestKey } from './tokens';

/** Registers the hooks; what it returns reads the current test's state. */
export function dpopMatrix() {
  // DPoP (RFC 9449), each case sent to the authorizer as API Gateway sends it: the REQUEST
  // authorizer on routes that take DPoP, the TOKEN authorizer on the others. The status API Gateway
  // would answer, and the reason the decision line gives.
  const ROUTES = {
    'GET /api/whoami': { allOf: ['AccessAll'] },
    'GET /api/messages': { anyOf: ['ReadOnly', 'AccessAll'], dpop: 'allowed' },
    'POST /api/messages': { allOf: ['AccessAll'], dpop: 'required' },
  };
  const URL_OF = (path: string) => `https://${API_HOST}/dev${path}`;

  let trusted: TestKey;
  let jwks: JwksServer;
  let client: ProofKey;
  let rsaClient: ProofKey;
  let other: ProofKey;
  let store: MemoryReplayStore;
  let handler: RequestAuthorizerHandler;
  let logs: CapturedLogs;

  beforeAll(async () => {
    trusted = await rsaKey();
    jwks = await startJwksServer([trusted.publicJwk]);
    [client, rsaClient, other] = await Promise.all([
      proofKey('ES256'),
      proofKey('RS256'),
      proofKey('ES256'),
    ]);
  });
  afterAll(() => jwks.close());
  beforeEach(() => {
    store = new MemoryReplayStore();
    handler = coldStartRequest(
      { OKTA_ISSUER: jwks.issuer, DPOP_HOSTS: 'api.example.com' },
      store,
      ROUTES,
    );
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  const token = (overrides: Record<string, unknown> = {}) =>
    sign(oktaClaims(jwks.issuer, overrides), trusted);
  const boundTo = (key: ProofKey, overrides: Record<string, unknown> = {}) =>
    token({ cnf: { jkt: key.jkt }, ...overrides });
  const lastReason = () => logs.decisions().at(-1)?.reason;

  interface Call {
    method?: string;
    path?: string;
    authorization?: string;
    proofs?: string[];
    host?: string;
  }
  const call = (c: Call) =>
    requestAnswer(
      handler,
      requestEvent({
        method: c.method ?? 'POST',
        path: c.path ?? '/api/messages',
        host: c.host,
        headers: [
          ...(c.authorization ? [['Authorization', c.authorization] as [string, string]] : []),
          ...(c.proofs ?? []).map((p) => ['DPoP', p] as [string, string]),
        ],
      }),
    );

  /** A DPoP call to POST /api/messages with a bound token; `change` makes the proof wrong. */
  async function dpopCall(
    key: ProofKey,
    change: {
      claims?: Record<string, unknown>;
      header?: Record<string, unknown>;
      htu?: string;
    } = {},
    accessToken?: string,
  ) {
    const at = accessToken ?? (await boundTo(key));
    const signed = await proof(key, {
      htm: 'POST',
      htu: change.htu ?? URL_OF('/api/messages'),
      accessToken: at,
      claims: change.claims,
      header: change.header,
    });
    return {
      at,
      proof: signed,
      result: await call({ authorization: `DPoP ${at}`, proofs: [signed] }),
    };
  }

  return {
    ROUTES,
    URL_OF,
    get trusted() {
      return trusted;
    },
    get jwks() {
      return jwks;
    },
    get client() {
      return client;
    },
    get rsaClient() {
      return rsaClient;
    },
    get other() {
      return other;
    },
    get store() {
      return store;
    },
    set store(replacement: MemoryReplayStore) {
      store = replacement;
    },
    get handler() {
      return handler;
    },
    set handler(replacement: RequestAuthorizerHandler) {
      handler = replacement;
    },
    get logs() {
      return logs;
    },
    token,
    boundTo,
    lastReason,
    call,
    dpopCall,
  };
}
