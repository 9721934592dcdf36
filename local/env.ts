import { config } from 'dotenv';

/** Loads .env (or ENV_FILE) without overriding the real environment, as serverless does. */
export function loadDotenv(): void {
  config({ path: process.env.ENV_FILE ?? '.env', quiet: true });
}

/** Node.js 22 or later, as on Lambda (nodejs22.x) and as oidc-provider supports: one line otherwise. */
export function requireNode22(command: string): void {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22) {
    console.error(
      `${command}: Node.js 22 or later is needed (this is ${process.version}), as Lambda runs nodejs22.x. ` +
        'Install it (e.g. `nvm install 22`) and run `npm ci` again.',
    );
    process.exit(1);
  }
}
