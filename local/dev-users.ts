/**
 * The local issuer's dev users: who can sign in to the demo app and `npm run token -- --user`.
 * alice may be granted every scope the table names; bob only ReadOnly (to see a 403). Their
 * password is LOCAL_USER_PASSWORD, or one generated at each start and printed.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface DevUser {
  /** Okta's user id (`uid` in access tokens). */
  id: string;
  /** The sign-in name, and `sub` in the user's tokens, as Okta's login. */
  login: string;
  name: string;
  /** The API scopes Okta's access policy would grant this user (besides openid, profile, email). */
  scopes: string[];
}

export interface DevUsers {
  users: DevUser[];
  password: string;
  find(login: string): DevUser | undefined;
  /** The user, when the password is theirs. */
  authenticate(login: string, password: string): DevUser | undefined;
}

const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];

/**
 * With `people` (routes.ts callers.browserApp.people: group → scopes), alice is in every group and
 * bob only in Everyone, so each gets what Okta's rules would grant them.
 */
export function devUsers(
  scopes: string[],
  password?: string,
  people?: { group: string; scopes: string[] }[],
): DevUsers {
  const secret = password || randomBytes(12).toString('base64url');
  // Okta user ids: "00u" and 17 more characters.
  const userId = () =>
    `00u${randomBytes(13).toString('base64url').replace(/[-_]/g, 'x').slice(0, 17)}`;
  const users: DevUser[] = [
    {
      id: userId(),
      login: 'alice@example.com',
      name: 'Alice Example',
      scopes: people ? [...new Set(people.flatMap((p) => p.scopes))] : scopes,
    },
    {
      id: userId(),
      login: 'bob@example.com',
      name: 'Bob Example',
      scopes: people
        ? (people.find((p) => p.group === 'Everyone')?.scopes ?? [])
        : scopes.filter((s) => s === 'ReadOnly'),
    },
  ];
  const find = (login: string) => {
    const wanted = login.trim().toLowerCase();
    return users.find((u) => u.login === wanted || u.login.split('@')[0] === wanted);
  };
  return {
    users,
    password: secret,
    find,
    authenticate(login, candidate) {
      const user = find(login);
      const a = Buffer.from(candidate);
      const b = Buffer.from(secret);
      return user && a.length === b.length && timingSafeEqual(a, b) ? user : undefined;
    },
  };
}

/** What a user is granted of what the app asked for: OIDC scopes, and the API scopes policy allows. */
export function grantedScopes(
  user: DevUser,
  requested: string[],
): { oidc: string[]; api: string[] } {
  return {
    oidc: requested.filter((scope) => OIDC_SCOPES.includes(scope)),
    api: requested.filter((scope) => user.scopes.includes(scope)),
  };
}
