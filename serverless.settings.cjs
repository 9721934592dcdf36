// Settings for serverless.yml, resolved from the environment (and .env) when serverless starts.
// It validates with the same code the Lambdas run, so `serverless package`, `deploy` and
// `offline` refuse a misconfiguration up front, with a message that says how to fix it.
const tsx = require('tsx/cjs/api');

const MAX_TTL = 3600; // API Gateway's limit for authorizer result caching

function load(module) {
  return tsx.require(module, __filename);
}

function authorizerCacheTtl(raw = '300') {
  const ttl = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || ttl > MAX_TTL) {
    throw new Error(
      `AUTHORIZER_CACHE_TTL must be a whole number of seconds from 0 (no caching) to ${MAX_TTL}, not ${JSON.stringify(raw)}.`,
    );
  }
  return ttl;
}

/** A gateway response header value is static, or copied from the request. */
function gatewayResponseOrigin(origins) {
  if (origins.length === 1) return `'${origins[0]}'`;
  // Several origins: echo the caller's. These bodies carry only an error code, never data.
  return 'method.request.header.Origin';
}

module.exports = () => {
  try {
    const { loadConfig, rejectRetiredSettings } = load('./authorizer/config.ts');
    rejectRetiredSettings(process.env);
    const config = loadConfig(process.env);
    const origins = load('./handlers/http.ts').parseOrigins(process.env.CORS_ORIGINS);
    return {
      oktaIssuer: config.issuer,
      oktaAudience: config.audience,
      corsOrigins: origins,
      corsOriginsEnv: origins.join(','),
      gatewayResponseOrigin: gatewayResponseOrigin(origins),
      authorizerCacheTtl: authorizerCacheTtl(process.env.AUTHORIZER_CACHE_TTL),
    };
  } catch (error) {
    // Serverless prints the stack; make it just the message.
    error.stack = `Configuration error: ${error.message}`;
    throw error;
  }
};
