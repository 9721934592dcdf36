/**
 * `npm run okta:stand-in`: the management API stand-in (testkit/okta-org.ts) on loopback, to try
 * `npm run okta` with no Okta org. Seeded as a new org comes: the `default` server with its
 * grant-everything rule, and an "API Admins" group. It accepts the API token in OKTA_CLIENT_TOKEN
 * (any value: set it in both terminals); prints the org URL, then serves until Ctrl+C.
 */
import { startOktaOrg } from './okta-org';

void (async () => {
  const token = process.env.OKTA_CLIENT_TOKEN?.trim();
  if (!token) {
    console.error(
      'OKTA_CLIENT_TOKEN is not set: export OKTA_CLIENT_TOKEN=<any value> here and where you run npm run okta.',
    );
    process.exit(1);
  }
  const org = await startOktaOrg({
    token,
    port: Number(process.env.OKTA_STAND_IN_PORT ?? 0),
    defaultServer: true,
    groups: ['API Admins'],
  });
  console.log('Okta management API stand-in (nothing leaves this machine). In another terminal:');
  console.log(`  export OKTA_CLIENT_ORGURL=${org.orgUrl}   # and the same OKTA_CLIENT_TOKEN`);
  console.log('  npm run okta -- plan');
  const stop = () => void org.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
})();
