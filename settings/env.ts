import { config } from 'dotenv';

/** Loads .env (or ENV_FILE) without overriding the real environment, as serverless does. */
export function loadDotenv(): void {
  config({ path: process.env.ENV_FILE ?? '.env', quiet: true });
}

/** Node.js 22 or later (package.json engines): one line otherwise, the same `npm test` prints. */
export { requireSupportedNode } from './node-version.cjs';
