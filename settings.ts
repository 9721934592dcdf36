/**
 * The environment (and .env) as serverless.yml and `npm start` use it, validated once: every
 * mistake is a ConfigError whose one line names the variable and the fix.
 */
import {
  ConfigError,
  parseAudience,
  parseIssuer,
  rejectRetiredSettings,
} from './authorizer/config';
import { parseOrigins } from './handlers/cors-origins';

/** API Gateway's limit for authorizer result caching. */
const MAX_TTL = 3600;
const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'];

export interface Settings {
  /** Undefined when `npm start` runs the local issuer. */
  oktaIssuer?: string;
  oktaAudience: string;
  corsOrigins: string[];
  authorizerCacheTtl: number;
  logLevel: string;
}

export function resolveSettings(
  env: NodeJS.ProcessEnv,
  { localIssuer = false }: { localIssuer?: boolean } = {},
): Settings {
  rejectRetiredSettings(env);
  return {
    oktaIssuer: localIssuer ? undefined : parseIssuer(env.OKTA_ISSUER),
    oktaAudience: parseAudience(env.OKTA_AUDIENCE),
    corsOrigins: parseOrigins(env.CORS_ORIGINS),
    authorizerCacheTtl: authorizerCacheTtl(env.AUTHORIZER_CACHE_TTL),
    logLevel: logLevel(env.LOG_LEVEL),
  };
}

export function authorizerCacheTtl(raw = '300'): number {
  const ttl = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || ttl > MAX_TTL) {
    throw new ConfigError(
      `AUTHORIZER_CACHE_TTL must be a whole number of seconds from 0 (no caching) to ${MAX_TTL}, not ${JSON.stringify(raw)}.`,
    );
  }
  return ttl;
}

function logLevel(raw = 'INFO'): string {
  const level = raw.trim().toUpperCase();
  if (!LOG_LEVELS.includes(level)) {
    throw new ConfigError(
      `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')} (INFO logs refusals, DEBUG every decision), not ${JSON.stringify(raw)}.`,
    );
  }
  return level;
}
