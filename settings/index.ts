/**
 * The environment (and .env) as serverless.yml and `npm start` use it, validated once: every
 * mistake is a ConfigError whose one line names the variable and the fix.
 */
import { type CallerSettings, callerSettings } from './callers';
import { parseOrigins } from './cors';
import { loadDpopConfig, parseHosts } from './dpop';
import { ConfigError } from './errors';
import { parseAudience, parseIssuers } from './okta';
import { readServerlessYml } from './project.cjs';

/** API Gateway's limit for authorizer result caching. */
const MAX_TTL = 3600;
const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'];

/** The retention periods CloudWatch Logs accepts, in days. */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];

export interface Settings {
  /** Undefined when `npm start` runs the local issuer. */
  oktaIssuer?: string;
  oktaAudience: string;
  corsOrigins: string[];
  authorizerCacheTtl: number;
  logLevel: string;
  logRetentionDays: number;
  /** Where alarms go: ALARM_TOPIC_ARN, or the stack's own topic (ALARM_EMAIL subscribed to it, if set). */
  alarmTopicArn?: string;
  alarmEmail: string;
  /** Custom domains a DPoP proof may name besides the execute-api domain (DPOP_HOSTS). */
  dpopHosts: string[];
  /** DPOP_PROOF_MAX_AGE and DPOP_PROOF_FUTURE_SKEW, in seconds. */
  dpopProofMaxAge: number;
  dpopProofFutureSkew: number;
  alarm5xxThreshold: number;
  alarm401Threshold: number;
  /** Requests per second for the whole stage, and the burst above it. */
  throttleRate: number;
  throttleBurst: number;
  /** Concurrency kept for the authorizer alone; undefined: none reserved. */
  authorizerReservedConcurrency?: number;
  /** Limits per caller: their usage plans, and what the authorizers read (settings/callers.ts). */
  callers: CallerSettings;
}

/**
 * OKTA_ISSUER as the authorizer reads it; an issuer listed twice is refused here, at package and
 * start (at a cold start, aws-jwt-verify refuses it: this keeps the authorizer's bundle small).
 */
function trustedIssuers(env: NodeJS.ProcessEnv): string {
  const issuers = parseIssuers(env).map((trusted) => trusted.issuer);
  if (new Set(issuers).size < issuers.length) {
    throw new ConfigError('OKTA_ISSUER lists an issuer twice: list each once.');
  }
  return issuers.join(',');
}

/**
 * A setting that no longer does anything must not look as if it protected something. Checked where
 * users set it (serverless.settings.cjs, npm start); the deployed template never passes it on.
 */
export function rejectRetiredSettings(env: NodeJS.ProcessEnv): void {
  if (env.OKTA_REQUIRED_SCOPES !== undefined) {
    throw new ConfigError(
      "OKTA_REQUIRED_SCOPES is no longer used: each route's scopes are in routes.ts " +
        "(e.g. 'GET /api/whoami': { allOf: ['AccessAll'] }). Remove it from the environment or .env.",
    );
  }
}

export function resolveSettings(
  env: NodeJS.ProcessEnv,
  { localIssuer = false, stage = 'dev' }: { localIssuer?: boolean; stage?: string } = {},
): Settings {
  rejectRetiredSettings(env);
  const throttleRate = count('API_THROTTLE_RATE', env.API_THROTTLE_RATE, 100);
  const throttleBurst = count('API_THROTTLE_BURST', env.API_THROTTLE_BURST, 200);
  return {
    // Several issuers (OKTA_ISSUER comma-separated) are checked here as the authorizer checks them.
    oktaIssuer: localIssuer ? undefined : trustedIssuers(env),
    oktaAudience:
      env.OKTA_AUDIENCE === undefined
        ? parseAudience(undefined)
        : env.OKTA_AUDIENCE.split(',').map(parseAudience).join(','),
    corsOrigins: parseOrigins(env.CORS_ORIGINS),
    authorizerCacheTtl: authorizerCacheTtl(env.AUTHORIZER_CACHE_TTL),
    logLevel: logLevel(env.LOG_LEVEL),
    logRetentionDays: retentionDays(env.LOG_RETENTION_DAYS),
    alarmTopicArn: topicArn(env.ALARM_TOPIC_ARN),
    alarmEmail: email(env.ALARM_EMAIL),
    dpopHosts: parseHosts(env.DPOP_HOSTS),
    ...dpopWindow(env),
    alarm5xxThreshold: count('ALARM_5XX_THRESHOLD', env.ALARM_5XX_THRESHOLD, 5),
    alarm401Threshold: count('ALARM_401_THRESHOLD', env.ALARM_401_THRESHOLD, 100),
    throttleRate,
    throttleBurst,
    authorizerReservedConcurrency:
      env.AUTHORIZER_RESERVED_CONCURRENCY?.trim().toLowerCase() === 'off'
        ? undefined
        : count(
            'AUTHORIZER_RESERVED_CONCURRENCY',
            env.AUTHORIZER_RESERVED_CONCURRENCY,
            50,
            ' (or off, to reserve none)',
          ),
    callers: callerSettings(env, {
      localIssuer,
      service: readServerlessYml().service,
      stage,
      throttleRate,
      throttleBurst,
    }),
  };
}

/** The proof window, checked as the DPoP authorizer checks it at its cold start. */
function dpopWindow(env: NodeJS.ProcessEnv): {
  dpopProofMaxAge: number;
  dpopProofFutureSkew: number;
} {
  const { maxAgeSeconds, futureSkewSeconds } = loadDpopConfig({
    ...env,
    DPOP_REPLAY_TABLE: 'table',
  });
  return { dpopProofMaxAge: maxAgeSeconds, dpopProofFutureSkew: futureSkewSeconds };
}

function retentionDays(raw = '90'): number {
  const days = Number(raw.trim());
  if (!RETENTION_DAYS.includes(days)) {
    throw new ConfigError(
      `LOG_RETENTION_DAYS must be one of CloudWatch Logs' periods (${RETENTION_DAYS.join(', ')}), not ${JSON.stringify(raw)}.`,
    );
  }
  return days;
}

function topicArn(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  if (!/^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/.test(value)) {
    throw new ConfigError(
      `ALARM_TOPIC_ARN must be an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:alarms, not ${JSON.stringify(raw)}.`,
    );
  }
  return value;
}

function email(raw: string | undefined): string {
  const value = raw?.trim() ?? '';
  if (value && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) {
    throw new ConfigError(
      `ALARM_EMAIL must be an email address, such as ops@example.com, not ${JSON.stringify(raw)}.`,
    );
  }
  return value;
}

function count(name: string, raw: string | undefined, fallback: number, or = ''): number {
  if (raw === undefined || !raw.trim()) return fallback;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1) {
    throw new ConfigError(
      `${name} must be a whole number from 1${or}, not ${JSON.stringify(raw)}.`,
    );
  }
  return Number(raw);
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
