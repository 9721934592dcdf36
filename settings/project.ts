/** Where the project is, and serverless.yml as the tools outside serverless read it. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import yaml from 'js-yaml';

/** The project's root folder. */
export const ROOT = resolve(__dirname, '..');

/** serverless.yml, parsed as written (variables unresolved): the parts read outside serverless. */
export interface ServerlessConfig {
  service: string;
  functions?: Record<string, unknown>;
  custom: {
    esbuild: Record<string, unknown> & { mainFields: string[]; exclude: string[]; target: string };
    oktaAuthorizer?: object;
    oktaDpopAuthorizer?: object;
  } & Record<string, unknown>;
  [key: string]: unknown;
}

export function readServerlessYml(root: string = ROOT): ServerlessConfig {
  return yaml.load(readFileSync(join(root, 'serverless.yml'), 'utf8')) as ServerlessConfig;
}
