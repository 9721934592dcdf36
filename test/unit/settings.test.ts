import { resolveSettings } from '../../settings/index';

// settings.ts: the environment as `serverless package` and `npm start` read it.
const A = 'https://dev-1.okta.com/oauth2/default';
/** routes.ts callers' client ids, as a stage has them. */
const IDS = 'reporting-job=0oa1,admin-tool=0oa2,browser-app=0oa3';
const B = 'https://dev-2.okta.com/oauth2/aus2';

describe('several trusted issuers', () => {
  it('passes them on as the authorizer reads them, normalised, with their audiences', () => {
    const settings = resolveSettings({
      OKTA_ISSUER: ` ${A}/ , ${B}`,
      OKTA_AUDIENCE: 'api://a , api://b',
      CALLER_CLIENT_IDS: IDS,
    });
    expect(settings.oktaIssuer).toBe(`${A},${B}`);
    expect(settings.oktaAudience).toBe('api://a,api://b');
    expect(resolveSettings({ OKTA_ISSUER: A, CALLER_CLIENT_IDS: IDS }).oktaAudience).toBe(
      'api://default',
    );
  });

  it.each([
    [{ OKTA_ISSUER: `${A},${A}/` }, /^OKTA_ISSUER lists an issuer twice: list each once\.$/],
    [
      { OKTA_ISSUER: `${A},${B}`, OKTA_AUDIENCE: 'a,b,c' },
      /^OKTA_AUDIENCE has 3 audiences for 2 issuers/,
    ],
    [{ OKTA_ISSUER: `${A},https://dev-2.okta.com` }, /is not a custom authorization server/],
  ])('refuses %j in one line', (env, message) => {
    expect(() => resolveSettings(env)).toThrow(message);
  });
});
