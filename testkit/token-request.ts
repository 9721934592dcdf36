export const basicAuth = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** A POST to the issuer's token endpoint, form encoded: its status and JSON body, whatever they are. */
export async function tokenEndpoint(
  issuer: string,
  form: Record<string, string>,
  authorization?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${issuer}/v1/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization && { authorization }),
    },
    body: new URLSearchParams(form),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** The Okta guide's token request, as Postman sends it: client credentials, Basic auth, form encoded. */
export async function requestToken(
  issuer: string,
  client: { id: string; secret: string },
  scope: string,
  extra: Record<string, string> = {},
): Promise<string> {
  const { status, body } = await tokenEndpoint(
    issuer,
    { grant_type: 'client_credentials', scope, ...extra },
    basicAuth(client.id, client.secret),
  );
  if (status !== 200 || typeof body.access_token !== 'string')
    throw new Error(`token request failed: ${JSON.stringify(body)}`);
  return body.access_token;
}
