/** The Okta guide's token request, as Postman sends it: client credentials, Basic auth, form encoded. */
export async function requestToken(
  issuer: string,
  client: { id: string; secret: string },
  scope: string,
  extra: Record<string, string> = {},
): Promise<string> {
  const response = await fetch(`${issuer}/v1/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope, ...extra }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (!response.ok || !body.access_token)
    throw new Error(`token request failed: ${JSON.stringify(body)}`);
  return body.access_token;
}
