import * as oidc from 'openid-client';
import { TOKEN_COMMAND_REDIRECT_URI } from '../../../local/issuer';
import {
  authorizeUser,
  SignInError,
  signInUser,
  type UserSignIn,
} from '../../../local/user-sign-in';
import { decodePayload } from '../../../testkit/tokens';
import { type LocalIssuerProcess, startLocalIssuerProcess } from '../../../testkit/local-issuer';

// A user signs in with the authorization code flow and PKCE, as the demo app and
// `npm run token -- --user` do, and gets tokens shaped like Okta's user tokens.
let issuer: LocalIssuerProcess;
beforeAll(async () => {
  issuer = await startLocalIssuerProcess();
});
afterAll(() => issuer.stop());

const asUser = (username: string, overrides: Partial<UserSignIn> = {}) =>
  issuer.asUser(username, overrides);

it("succeeds with code + PKCE (S256): a user's access token as Okta's, and an ID token for the app", async () => {
  const tokens = await signInUser(asUser('alice'));
  expect(decodePayload(tokens.access_token)).toEqual({
    ver: 1,
    jti: expect.stringMatching(/^AT\./),
    iss: issuer.issuer,
    aud: 'api://default',
    iat: expect.any(Number),
    exp: expect.any(Number),
    cid: issuer.spaClient.id,
    uid: expect.stringMatching(/^00u\w{17}$/),
    sub: 'alice@example.com',
    scp: ['openid', 'profile', 'email', 'AccessAll', 'ReadOnly'],
  });
  expect(decodePayload(tokens.id_token as string)).toMatchObject({
    aud: issuer.spaClient.id,
    sub: 'alice@example.com',
    email: 'alice@example.com',
  });
  const userinfo = await fetch(`${issuer.issuer}/v1/userinfo`, {
    headers: { authorization: `Bearer ${tokens.access_token}` },
  });
  expect(await userinfo.json()).toEqual({
    sub: 'alice@example.com',
    name: 'Alice Example',
    preferred_username: 'alice@example.com',
    email: 'alice@example.com',
    email_verified: true,
  });
});

it('grants each user only the API scopes their access policy allows: bob gets ReadOnly', async () => {
  const tokens = await signInUser(asUser('bob'));
  expect(decodePayload(tokens.access_token).scp).toEqual([
    'openid',
    'profile',
    'email',
    'ReadOnly',
  ]);
});

it('refuses a wrong password at the sign-in page', async () => {
  await expect(signInUser(asUser('alice', { password: 'wrong' }))).rejects.toThrow(
    new SignInError('Unable to sign in: wrong username or password.'),
  );
});

describe('the code exchange', () => {
  const exchange = (authorized: Awaited<ReturnType<typeof authorizeUser>>, verifier: string) =>
    oidc.authorizationCodeGrant(authorized.config, authorized.callback, {
      pkceCodeVerifier: verifier,
      expectedState: authorized.state,
    });

  it('refuses a wrong PKCE verifier: invalid_grant', async () => {
    const authorized = await authorizeUser(asUser('alice'));
    await expect(exchange(authorized, oidc.randomPKCECodeVerifier())).rejects.toMatchObject({
      error: 'invalid_grant',
      error_description: 'PKCE verification failed.',
    });
  });

  it('refuses a code used twice: invalid_grant', async () => {
    const authorized = await authorizeUser(asUser('alice'));
    await exchange(authorized, authorized.verifier);
    await expect(exchange(authorized, authorized.verifier)).rejects.toMatchObject({
      error: 'invalid_grant',
      error_description: 'The authorization code is invalid or has expired.',
    });
  });
});

describe('the authorization request', () => {
  const authorize = (params: Record<string, string>) =>
    fetch(
      `${issuer.issuer}/v1/authorize?${new URLSearchParams({
        client_id: issuer.spaClient.id,
        response_type: 'code',
        scope: 'openid',
        state: 'st',
        redirect_uri: TOKEN_COMMAND_REDIRECT_URI,
        ...params,
      })}`,
      { redirect: 'manual' },
    );
  const errorOf = (response: Response) => {
    const url = new URL(response.headers.get('location') as string);
    return [url.searchParams.get('error'), url.searchParams.get('error_description')];
  };
  const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

  it('without a PKCE challenge: invalid_request, sent back to the app', async () => {
    expect(errorOf(await authorize({}))).toEqual([
      'invalid_request',
      "PKCE code challenge is required when the token endpoint authentication method is 'NONE'.",
    ]);
  });

  it('with plain PKCE: invalid_request, S256 only', async () => {
    expect(
      errorOf(await authorize({ code_challenge: challenge, code_challenge_method: 'plain' })),
    ).toEqual(['invalid_request', "'code_challenge_method' is invalid. Must be 'S256'."]);
  });

  it('with a redirect URI the app does not have: an error page, nothing sent anywhere', async () => {
    const response = await authorize({
      code_challenge: challenge,
      code_challenge_method: 'S256',
      redirect_uri: 'https://attacker.example/callback',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    const page = await response.text();
    expect(page).toContain('invalid_request');
    expect(page).toContain('must be a Login redirect URI in the client app settings');
  });
});
