import { compileRouteTable } from '../../../route-table/compile';
import { banner } from '../../../local/banner';
import type { LocalIssuer } from '../../../local/issuer';
import { routes } from '../../../routes';

// The banner's token commands find the stack they were printed by: on the default API_PORT as
// they are, on another one with that port (beside a default stack, `npm run token` alone cannot
// tell them apart).
const issuer = {
  issuer: 'http://127.0.0.1:4000/oauth2/default',
  audience: 'api://default',
  scopes: ['AccessAll', 'ReadOnly'],
  client: { id: 'local-dev-client', secret: 'not-a-real-secret' },
  jwtClient: { id: 'local-dev-client-jwt', privateJwk: { kid: 'k' } },
  spaClient: { id: 'spa', redirectUris: [] },
  users: { users: [{ login: 'alice@example.com' }], password: 'pw' },
} as unknown as LocalIssuer;
const print = (apiUrl: string, local = true) =>
  banner({
    apiUrl,
    table: compileRouteTable(routes),
    issuer: local ? issuer : undefined,
    oktaIssuer: 'https://dev-1.okta.com/oauth2/default',
    hasOktaClient: true,
    keyFile: '/k.json',
  });

it('prints plain token commands on the default API_PORT', () => {
  const text = print('http://localhost:3000');
  expect(text).toContain('TOKEN=$(npm run -s token)');
  expect(text).toContain('READONLY=$(npm run -s token -- --scope ReadOnly)');
  expect(text).toContain('npm run -s token -- --user alice');
  expect(text).not.toContain('API_PORT=');
});

it("names this stack's API_PORT in every token command elsewhere", () => {
  const text = print('http://localhost:3100');
  expect(text).toContain('TOKEN=$(API_PORT=3100 npm run -s token)');
  expect(text).toContain('READONLY=$(API_PORT=3100 npm run -s token -- --scope ReadOnly)');
  expect(text).toContain('API_PORT=3100 npm run -s token -- --user alice');
  expect(text).toContain('API_PORT=3100 npm run -s token -- --private-key /k.json');
  expect(text.match(/npm run -s token/g)?.length).toBe(
    text.match(/API_PORT=3100 npm run/g)?.length,
  );
});

it('against a real Okta org, where the token command reads OKTA_ISSUER, names no port', () => {
  expect(print('http://localhost:3100', false)).toContain('TOKEN=$(npm run -s token)');
});

it('says which routes take DPoP', () => {
  const text = print('http://localhost:3000');
  expect(text).toMatch(
    /POST http:\/\/localhost:3000\/api\/messages +all of AccessAll, DPoP required/,
  );
  expect(text).toMatch(/GET http:\/\/localhost:3000\/api\/whoami +all of AccessAll\n/);
});
