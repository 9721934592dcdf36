import { loadConfig } from '../../../authorizer/config';
import { rejectRetiredSettings } from '../../../settings';
import { loadDpopConfig } from '../../../settings/dpop';
import { ConfigError } from '../../../settings/errors';
import { isLoopbackHost, parseIssuer } from '../../../settings/okta';

describe('loadConfig', () => {
  it("reads the issuer, derives Okta's JWKS path and applies the defaults", () => {
    expect(loadConfig({ OKTA_ISSUER: 'https://dev-123456.okta.com/oauth2/default' })).toEqual({
      issuers: [
        {
          issuer: 'https://dev-123456.okta.com/oauth2/default',
          jwksUri: 'https://dev-123456.okta.com/oauth2/default/v1/keys',
          audience: 'api://default',
        },
      ],
      jwksTimeoutMs: 2000,
      jwksMaxAgeMs: 600_000,
      jwksBackoffMs: 1000,
      jwksMaxBackoffMs: 30_000,
      tokenCacheSize: 1000,
    });
  });

  it('takes the audience from the environment', () => {
    const config = loadConfig({
      OKTA_ISSUER: 'https://example.oktapreview.com/oauth2/aus1a2b3c4d5e6f7g8h9',
      OKTA_AUDIENCE: 'api://orders',
    });
    expect(config.issuers[0]?.audience).toBe('api://orders');
  });

  it('trusts several issuers, each with its audience: one for all, or one each in order', () => {
    const A = 'https://dev-1.okta.com/oauth2/default';
    const B = 'https://dev-2.okta.com/oauth2/aus2';
    expect(
      loadConfig({ OKTA_ISSUER: ` ${A} , ${B}/`, OKTA_AUDIENCE: 'api://a, api://b' }).issuers,
    ).toEqual([
      { issuer: A, jwksUri: `${A}/v1/keys`, audience: 'api://a' },
      { issuer: B, jwksUri: `${B}/v1/keys`, audience: 'api://b' },
    ]);
    expect(
      loadConfig({ OKTA_ISSUER: `${A},${B}`, OKTA_AUDIENCE: 'api://x' }).issuers.map(
        (i) => i.audience,
      ),
    ).toEqual(['api://x', 'api://x']);
    expect(loadConfig({ OKTA_ISSUER: `${A},${B}` }).issuers.map((i) => i.audience)).toEqual([
      'api://default',
      'api://default',
    ]);
  });

  it.each([
    [
      {
        OKTA_ISSUER: 'https://dev-1.okta.com/oauth2/default,https://dev-2.okta.com/oauth2/x',
        OKTA_AUDIENCE: 'a,b,c',
      },
      /^OKTA_AUDIENCE has 3 audiences for 2 issuers: give one, or one per OKTA_ISSUER in order\.$/,
    ],
    [{ OKTA_ISSUER: 'https://dev-1.okta.com/oauth2/default,' }, /^OKTA_ISSUER is not set/],
    [
      { OKTA_ISSUER: 'https://dev-1.okta.com/oauth2/default,https://dev-2.okta.com' },
      /is not a custom authorization server/,
    ],
  ])('refuses %j in one line', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it.each([
    ['https://dev-123456.okta.com/oauth2/default/', 'https://dev-123456.okta.com/oauth2/default'],
    [
      '  https://dev-123456.okta.com/oauth2/default  ',
      'https://dev-123456.okta.com/oauth2/default',
    ],
    ['http://127.0.0.1:4000/oauth2/default', 'http://127.0.0.1:4000/oauth2/default'],
    ['http://localhost:4000/oauth2/default', 'http://localhost:4000/oauth2/default'],
    ['http://[::1]:4000/oauth2/default', 'http://[::1]:4000/oauth2/default'],
    ['http://127.10.0.1/oauth2/aus1', 'http://127.10.0.1/oauth2/aus1'],
    ['https://dev-1.okta.com/oauth2/default///', 'https://dev-1.okta.com/oauth2/default'],
  ])('normalises the issuer %s', (raw, expected) => {
    expect(parseIssuer(raw)).toBe(expected);
  });
});

describe('configuration errors say how to fix them', () => {
  it.each([
    [
      undefined,
      /OKTA_ISSUER is not set.*https:\/\/dev-123456\.okta\.com\/oauth2\/default.*npm start/,
    ],
    ['', /OKTA_ISSUER is not set/],
    ['   ', /OKTA_ISSUER is not set/],
    [
      'https://{yourOktaDomain}/oauth2/default',
      /placeholder.*Replace \{yourOktaDomain\} with your Okta domain/,
    ],
    ['not a url', /OKTA_ISSUER is not a URL/],
    [
      'https://dev-123456-admin.okta.com/oauth2/default',
      /admin domain dev-123456-admin\.okta\.com: use https:\/\/dev-123456\.okta\.com\/oauth2\/default/,
    ],
    ['http://dev-123456.okta.com/oauth2/default', /must use https.*loopback/],
    ['http://10.0.0.5:4000/oauth2/default', /must use https/],
    // Plain http only for loopback: names that merely start or end like it are not.
    ['http://127.0.0.1.evil.example/oauth2/default', /must use https/],
    ['http://localhost.evil.example/oauth2/default', /must use https/],
    ['ftp://127.0.0.1/oauth2/default', /must use https/],
    ['https://dev-123456.okta.com/oauth2/default#x', /without query, fragment or credentials/],
    [
      'https://user:pw@dev-123456.okta.com/oauth2/default',
      /without query, fragment or credentials/,
    ],
    ['https://user@dev-123456.okta.com/oauth2/default', /without query, fragment or credentials/],
    ['https://:pw@dev-123456.okta.com/oauth2/default', /without query, fragment or credentials/],
    ['https://dev-123456.okta.com/oauth2/', /not a custom authorization server/],
    ['https://dev-123456.okta.com/v1/oauth2/default', /not a custom authorization server/],
    ['https://dev-123456.okta.com/oauth2/{id}', /placeholder/],
    [
      'https://dev-123456.okta.com',
      /not a custom authorization server.*org authorization server.*Okta's own APIs.*\/oauth2\/default/,
    ],
    ['https://dev-123456.okta.com/oauth2/v1', /not a custom authorization server/],
    ['https://dev-123456.okta.com/oauth2/default/v1/token', /not a custom authorization server/],
    ['https://dev-123456.okta.com/oauth2/default?x=1', /without query/],
  ])('OKTA_ISSUER=%p', (issuer, message) => {
    expect(() => loadConfig({ OKTA_ISSUER: issuer })).toThrow(ConfigError);
    expect(() => loadConfig({ OKTA_ISSUER: issuer })).toThrow(message);
  });

  it('says which issuer to use instead of an admin domain, keeping the path', () => {
    expect(() => parseIssuer('https://acme-ADMIN.okta.com/oauth2/aus1')).toThrow(
      'OKTA_ISSUER uses the admin domain acme-admin.okta.com: use https://acme.okta.com/oauth2/aus1.',
    );
  });

  it('names the org of an org authorization server in the fix', () => {
    expect(() => parseIssuer('https://acme.okta.com:8443')).toThrow(
      'Use https://acme.okta.com:8443/oauth2/default or /oauth2/{authorizationServerId}.',
    );
  });

  it('rejects an empty audience', () => {
    expect(() =>
      loadConfig({ OKTA_ISSUER: 'https://dev-1.okta.com/oauth2/default', OKTA_AUDIENCE: ' ' }),
    ).toThrow(/OKTA_AUDIENCE is empty.*api:\/\/default/);
  });

  it('trims the audience', () => {
    expect(
      loadConfig({
        OKTA_ISSUER: 'https://dev-1.okta.com/oauth2/default',
        OKTA_AUDIENCE: ' api://x ',
      }).issuers[0]?.audience,
    ).toBe('api://x');
  });

  it('accepts an unset OKTA_REQUIRED_SCOPES', () => {
    expect(() => rejectRetiredSettings({})).not.toThrow();
  });

  it.each(['AccessAll', ''])(
    'refuses OKTA_REQUIRED_SCOPES=%p, which routes.ts replaced, rather than ignore it',
    (value) => {
      expect(() => rejectRetiredSettings({ OKTA_REQUIRED_SCOPES: value })).toThrow(
        /OKTA_REQUIRED_SCOPES is no longer used: each route's scopes are in routes\.ts/,
      );
    },
  );
});

describe('isLoopbackHost', () => {
  it.each(['localhost', '[::1]', '127.0.0.1', '127.255.255.254', '127.1.2.3'])('%s is', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each([
    '127.0.0.1.evil.example',
    'a127.0.0.1',
    '127.0.0',
    '127.0.0.1.2',
    '127.0.0.1234',
    '128.0.0.1',
    'localhost.evil.example',
    'mylocalhost',
    '[::2]',
    '::1',
    '',
  ])('%p is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('loadDpopConfig', () => {
  it('a blank proof window setting takes the default', () => {
    expect(
      loadDpopConfig({
        DPOP_REPLAY_TABLE: 't',
        DPOP_PROOF_MAX_AGE: '  ',
        DPOP_PROOF_FUTURE_SKEW: '',
      }),
    ).toMatchObject({ maxAgeSeconds: 60, futureSkewSeconds: 5 });
    expect(loadDpopConfig({ DPOP_REPLAY_TABLE: 't', DPOP_PROOF_MAX_AGE: ' 30 ' })).toMatchObject({
      maxAgeSeconds: 30,
    });
  });

  it('reads the replay table, the hosts and the proof window, with bounded defaults', () => {
    expect(loadDpopConfig({ DPOP_REPLAY_TABLE: ' t ' })).toEqual({
      replayTable: 't',
      hosts: [],
      maxAgeSeconds: 60,
      futureSkewSeconds: 5,
    });
    expect(
      loadDpopConfig({
        DPOP_REPLAY_TABLE: 't',
        DPOP_HOSTS: 'API.example.com, localhost:3000,,[::1]:3000,[::1]',
        DPOP_PROOF_MAX_AGE: '300',
        DPOP_PROOF_FUTURE_SKEW: '0',
      }),
    ).toEqual({
      replayTable: 't',
      hosts: ['api.example.com', 'localhost:3000', '[::1]:3000', '[::1]'],
      maxAgeSeconds: 300,
      futureSkewSeconds: 0,
    });
  });

  it.each([
    [{}, /^DPOP_REPLAY_TABLE is not set/],
    [
      { DPOP_REPLAY_TABLE: 't', DPOP_HOSTS: 'https://api.example.com' },
      /^DPOP_HOSTS has "https:\/\/api.example.com", which is not a host name/,
    ],
    [
      { DPOP_REPLAY_TABLE: 't', DPOP_PROOF_MAX_AGE: '301' },
      /^DPOP_PROOF_MAX_AGE must be a whole number of seconds from 5 to 300, not "301"/,
    ],
    [{ DPOP_REPLAY_TABLE: 't', DPOP_PROOF_MAX_AGE: '4' }, /^DPOP_PROOF_MAX_AGE must be/],
    [
      { DPOP_REPLAY_TABLE: 't', DPOP_PROOF_FUTURE_SKEW: '61' },
      /^DPOP_PROOF_FUTURE_SKEW must be a whole number of seconds from 0 to 60/,
    ],
    [{ DPOP_REPLAY_TABLE: 't', DPOP_PROOF_FUTURE_SKEW: '1.5' }, /^DPOP_PROOF_FUTURE_SKEW must be/],
    [{ DPOP_REPLAY_TABLE: 't', DPOP_HOSTS: 'x[::1]' }, /^DPOP_HOSTS has "x\[::1\]"/],
    [{ DPOP_REPLAY_TABLE: 't', DPOP_HOSTS: '[::1]:3000/' }, /^DPOP_HOSTS has "\[::1\]:3000\/"/],
  ])('refuses %j in one line', (env, message) => {
    expect(() => loadDpopConfig(env)).toThrow(message);
  });
});
