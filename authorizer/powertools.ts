/**
 * Powertools' Logger, which authorizer/logger.ts loads on first use. The build puts this module in
 * a file of its own beside each authorizer's bundle (plugins/esbuild.cjs), so a cold start that
 * writes no log line (allowed requests at INFO) never loads it.
 */
export { Logger, LogLevelThreshold } from '@aws-lambda-powertools/logger';
