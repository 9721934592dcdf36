import { type LocalIssuerProcess, startLocalIssuerProcess } from '../../../testkit/local-issuer';
import { basicAuth, tokenEndpoint } from '../../../testkit/token-request';
import { decodePayload } from '../../../testkit/tokens';

// The local issuer answers as an Okta custom authorization server does, where tools and users
// would notice a difference.
let issuer: LocalIssuerProcess;
beforeAll(async () => {
  issuer = await startLocalIssuerProcess();
});
afterAll(() => issuer.stop());

const tokenRequest = (form: Record<string, string>, authorization?: string) =>
  tokenEndpoint(issuer.issuer, form, authorization);

it('accepts client_secret_post, as Okta does, and issues the same token', async () => {
  const { status, body } = await tokenRequest({
    grant_type: 'client_credentials',
    scope: 'AccessAll',
    client_id: issuer.client.id,
    client_secret: issuer.client.secret,
  });
  expect(status).toBe(200);
  expect(decodePayload(body.access_token as string)).toMatchObject({
    cid: issuer.client.id,
    scp: ['AccessAll'],
  });
});

it('starts access token ids with AT., as Okta does', async () => {
  expect(decodePayload(await issuer.token()).jti).toMatch(/^AT\.[\w-]+$/);
});

const withSecret = () => basicAuth(issuer.client.id, issuer.client.secret);

it.each<
  [string, () => [Record<string, string>, string | undefined], number, Record<string, string>]
>([
  [
    'a grant type the client may not use',
    () => [{ grant_type: 'password', username: 'a', password: 'b' }, withSecret()],
    400,
    {
      error: 'unauthorized_client',
      error_description:
        'The client is not authorized to use the provided grant type. Configured grant types: [client_credentials].',
    },
  ],
  [
    'a grant type that does not exist',
    () => [{ grant_type: 'nonsense' }, withSecret()],
    400,
    {
      error: 'unsupported_grant_type',
      error_description: expect.stringContaining('not supported'),
    },
  ],
  [
    'a wrong client secret',
    () => [
      { grant_type: 'client_credentials', scope: 'AccessAll' },
      basicAuth(issuer.client.id, 'wrong'),
    ],
    401,
    {
      error: 'invalid_client',
      error_description: 'The client secret supplied for a confidential client is invalid.',
    },
  ],
  [
    'an unknown client',
    () => [
      { grant_type: 'client_credentials', scope: 'AccessAll' },
      basicAuth('no-such-client', 'x'),
    ],
    401,
    {
      error: 'invalid_client',
      error_description:
        'Client authentication failed. Either the client or the client credentials are invalid.',
    },
  ],
  [
    'no client credentials',
    () => [{ grant_type: 'client_credentials', scope: 'AccessAll' }, undefined],
    401,
    { error: 'invalid_client', error_description: 'No client credentials found.' },
  ],
  [
    'credentials both in the header and in the form',
    () => [{ grant_type: 'client_credentials', client_secret: 'x' }, withSecret()],
    401,
    {
      error: 'invalid_request',
      error_description: expect.stringMatching(/^Cannot supply multiple client credentials/),
    },
  ],
  [
    'an unknown scope',
    () => [{ grant_type: 'client_credentials', scope: 'Nope' }, withSecret()],
    400,
    {
      error: 'invalid_scope',
      error_description:
        'One or more scopes are not configured for the authorization server resource.',
    },
  ],
  [
    'no scope',
    () => [{ grant_type: 'client_credentials' }, withSecret()],
    400,
    {
      error: 'invalid_scope',
      error_description:
        "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
    },
  ],
])('%s: Okta’s answer', async (_name, request, status, body) => {
  const [form, authorization] = request();
  expect(await tokenRequest(form, authorization)).toEqual({ status, body });
});

describe('discovery', () => {
  const document = async (name: string) =>
    (await (await fetch(`${issuer.issuer}/.well-known/${name}`)).json()) as Record<string, unknown>;

  it("advertises only what works, the OAuth document with client_credentials, the OpenID one without, as Okta's", async () => {
    const oauth = await document('oauth-authorization-server');
    const openid = await document('openid-configuration');
    for (const doc of [oauth, openid]) {
      expect(doc).toMatchObject({
        issuer: issuer.issuer,
        authorization_endpoint: `${issuer.issuer}/v1/authorize`,
        token_endpoint: `${issuer.issuer}/v1/token`,
        userinfo_endpoint: `${issuer.issuer}/v1/userinfo`,
        end_session_endpoint: `${issuer.issuer}/v1/logout`,
        revocation_endpoint: `${issuer.issuer}/v1/revoke`,
        jwks_uri: `${issuer.issuer}/v1/keys`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        scopes_supported: ['AccessAll', 'ReadOnly', 'openid', 'profile', 'email', 'offline_access'],
        token_endpoint_auth_methods_supported: [
          'client_secret_basic',
          'client_secret_post',
          'private_key_jwt',
          'none',
        ],
      });
      for (const absent of ['introspection_endpoint', 'registration_endpoint']) {
        expect(doc).not.toHaveProperty(absent);
      }
    }
    expect(oauth.grant_types_supported).toEqual([
      'authorization_code',
      'refresh_token',
      'client_credentials',
    ]);
    expect(openid.grant_types_supported).toEqual(['authorization_code', 'refresh_token']);
  });

  it('every endpoint it advertises answers; the ones it does not, 404 as Okta', async () => {
    expect((await fetch(`${issuer.issuer}/v1/keys`)).status).toBe(200);
    expect(
      (await tokenRequest({ grant_type: 'client_credentials', scope: 'AccessAll' }, withSecret()))
        .status,
    ).toBe(200);
    for (const path of ['/v1/introspect', '/v1/clients']) {
      const response = await fetch(`${issuer.issuer}${path}`, { method: 'POST' });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ errorCode: 'E0000022' });
    }
  });
});
