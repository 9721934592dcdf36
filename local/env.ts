import { config } from 'dotenv';

/** Loads .env (or ENV_FILE) without overriding the real environment, as serverless does. */
export function loadDotenv(): void {
  config({ path: process.env.ENV_FILE ?? '.env', quiet: true });
}
