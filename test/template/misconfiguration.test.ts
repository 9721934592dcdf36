import { ISSUER, projectForSuite } from '../../testkit/template';

// A misconfiguration stops `serverless package` in one line that names the setting and the fix.
const suite = projectForSuite();
const { packageFor } = suite;

describe('a misconfiguration stops `serverless package` with the fix in the message', () => {
  it.each([
    [{}, /OKTA_ISSUER is not set/],
    [{ OKTA_ISSUER: 'https://dev-123456-admin.okta.com/oauth2/default' }, /admin domain/],
    [
      { OKTA_ISSUER: ISSUER, AUTHORIZER_CACHE_TTL: '7200' },
      /AUTHORIZER_CACHE_TTL must be a whole number of seconds from 0/,
    ],
    [
      { OKTA_ISSUER: ISSUER, CORS_ORIGINS: 'app.example.com' },
      /CORS_ORIGINS has "app.example.com", which is not an origin/,
    ],
    [{ OKTA_ISSUER: ISSUER, LOG_RETENTION_DAYS: '10' }, /LOG_RETENTION_DAYS must be one of/],
    [
      { OKTA_ISSUER: ISSUER, API_THROTTLE_RATE: 'fast' },
      /API_THROTTLE_RATE must be a whole number from 1/,
    ],
    [
      { OKTA_ISSUER: ISSUER, AUTHORIZER_RESERVED_CONCURRENCY: '0' },
      /AUTHORIZER_RESERVED_CONCURRENCY must be a whole number from 1 \(or off, to reserve none\)/,
    ],
    [{ OKTA_ISSUER: ISSUER, ALARM_EMAIL: 'ops' }, /ALARM_EMAIL must be an email address/],
    [{ OKTA_ISSUER: ISSUER, ALARM_TOPIC_ARN: 'ops' }, /ALARM_TOPIC_ARN must be an SNS topic ARN/],
    [
      { OKTA_ISSUER: ISSUER, OKTA_REQUIRED_SCOPES: 'AccessAll' },
      /OKTA_REQUIRED_SCOPES is no longer used: each route's scopes are in routes.ts/,
    ],
  ])(
    '%j',
    async (env, message) => {
      const result = await packageFor(env);
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(message);
      // Said once, in one line: not inside serverless's "Cannot resolve ..." wrapping, no stack.
      expect(result.output).not.toMatch(/Cannot resolve|\n\s+at /);
      expect(
        result.output
          .trim()
          .split('\n')
          .filter((line) => line.includes('Configuration error')),
      ).toHaveLength(1);
    },
    60_000,
  );
});
