import {
  ConfigError,
  loadConfig,
  parseIssuer,
  rejectRetiredSettings,
} from '../../../authorizer/config';

describe('loadConfig', () => {
  it("reads the issuer, derives Okta's JWKS path and applies the defaults", () => {
    expect(loadConfig({ OKTA_ISSUER: 'https://dev-123456.okta.com/oauth2/default' })).toEqual({
      issuer: 'https://dev-123456.okta.com/oauth2/default',
      jwksUri: 'https://dev-123456.okta.com/oauth2/default/v1/keys',
      audience: 'api://default',
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
    expect(config.audience).toBe('api://orders');
  });

  it.each([
    ['https://dev-123456.okta.com/oauth2/default/', 'https://dev-123456.okta.com/oauth2/default'],
    [
      '  https://dev-123456.okta.com/oauth2/default  ',
      'https://dev-123456.okta.com/oauth2/default',
    ],
    ['http://127.0.0.1:4000/oauth2/default', 'http://127.0.0.1:4000/oauth2/default'],
    ['http://localhost:4000/oauth2/default', 'http://localhost:4000/oauth2/default'],
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
    [
      'https://{yourOktaDomain}/oauth2/default',
      /placeholder.*Replace \{yourOktaDomain\} with your Okta domain/,
    ],
    ['not a url', /OKTA_ISSUER is not a URL/],
    [
      'https://dev-123456-admin.okta.com/oauth2/default',
      /admin domain.*without -admin: https:\/\/dev-123456\.okta\.com\/oauth2\/default/,
    ],
    ['http://dev-123456.okta.com/oauth2/default', /must use https.*loopback/],
    ['http://10.0.0.5:4000/oauth2/default', /must use https/],
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

  it('rejects an empty audience', () => {
    expect(() =>
      loadConfig({ OKTA_ISSUER: 'https://dev-1.okta.com/oauth2/default', OKTA_AUDIENCE: ' ' }),
    ).toThrow(/OKTA_AUDIENCE is empty.*api:\/\/default/);
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
