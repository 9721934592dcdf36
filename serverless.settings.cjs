// Settings for serverless.yml, resolved from the environment (and .env) when serverless starts.
// It validates with the same code `npm start` and the Lambdas run (settings.ts), so
// `serverless package`, `deploy` and `offline` refuse a misconfiguration up front, in one line.
const tsx = require('tsx/cjs/api');

/** A gateway response header value is static, or copied from the request. */
function gatewayResponseOrigin(origins) {
  if (origins.length === 1) return `'${origins[0]}'`;
  // Several origins: echo the caller's. These bodies carry only an error code, never data.
  return 'method.request.header.Origin';
}

module.exports = ({ options } = {}) => {
  let settings;
  try {
    settings = tsx
      .require('./settings/index.ts', __filename)
      .resolveSettings(process.env, { stage: (options && options.stage) || 'dev' });
  } catch (error) {
    // Serverless would wrap this in four layers of "Cannot resolve ...": say it once, and stop.
    process.stderr.write(`Configuration error: ${error.message}\n`);
    process.exit(1);
  }
  return {
    oktaIssuer: settings.oktaIssuer,
    oktaAudience: settings.oktaAudience,
    corsOrigins: settings.corsOrigins,
    corsOriginsEnv: settings.corsOrigins.join(','),
    gatewayResponseOrigin: gatewayResponseOrigin(settings.corsOrigins),
    authorizerCacheTtl: settings.authorizerCacheTtl,
    logLevel: settings.logLevel,
    logRetentionDays: settings.logRetentionDays,
    alarmActions: [settings.alarmTopicArn ?? { Ref: 'AlarmTopic' }],
    alarmEmail: settings.alarmEmail,
    alarmTopicArn: settings.alarmTopicArn ?? '',
    dpopHosts: settings.dpopHosts.join(','),
    dpopProofMaxAge: String(settings.dpopProofMaxAge),
    dpopProofFutureSkew: String(settings.dpopProofFutureSkew),
    // `npm start` runs the table in dynalite and names it; deployed, it is the stack's resource.
    dpopReplayTable: process.env.LOCAL_DPOP_REPLAY_TABLE || { Ref: 'DpopReplayTable' },
    alarm5xxThreshold: settings.alarm5xxThreshold,
    alarm401Threshold: settings.alarm401Threshold,
    // Limits per caller (routes.ts callers): plugins/usage-plans.cjs deploys them, the
    // authorizers read API_CALLERS.
    usagePlans: settings.callers.plans,
    apiCallers: settings.callers.apiCallers,
    capacity: {
      throttleRate: settings.throttleRate,
      throttleBurst: settings.throttleBurst,
      authorizerReservedConcurrency: settings.authorizerReservedConcurrency ?? 'off',
    },
  };
};
