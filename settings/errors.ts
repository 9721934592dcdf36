/**
 * A setting that is missing or wrong. Every check in settings/ throws this one type, with one line
 * that names the setting and the fix: `npm start`, `serverless package` and a cold start print it
 * as it is, with no stack trace.
 */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
