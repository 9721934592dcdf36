/**
 * CORS_ORIGINS: `*`, or comma-separated origins such as `https://app.example.com`.
 * settings.ts validates it for serverless.yml and `npm start` with this same function.
 */
export function parseOrigins(raw: string | undefined = process.env.CORS_ORIGINS): string[] {
  const origins = (raw ?? '*')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  if (origins.length === 0) {
    throw new Error(
      'CORS_ORIGINS is empty. Use * or a comma-separated list such as https://app.example.com.',
    );
  }
  if (origins.includes('*') && origins.length > 1) {
    throw new Error(
      `CORS_ORIGINS mixes * with origins (${raw}). Use * alone, or list the origins.`,
    );
  }
  for (const origin of origins) {
    if (origin !== '*' && !isOrigin(origin)) {
      throw new Error(
        `CORS_ORIGINS has ${JSON.stringify(origin)}, which is not an origin. Write scheme://host[:port] with no path, e.g. https://app.example.com.`,
      );
    }
  }
  return origins;
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    // Stryker disable next-line Regex: a protocol is one scheme and a colon; any other scheme's origin is "null", refused by the comparison
    return /^https?:$/.test(url.protocol) && url.origin === value;
  } catch {
    return false;
  }
}
