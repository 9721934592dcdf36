/** Who may call a route, as routes.ts declares it. */
export type Access =
  'anonymous' | 'authenticated' | { allOf: readonly string[] } | { anyOf: readonly string[] };

/** What a protected route requires of a valid token. */
export type Requirement =
  | { kind: 'authenticated' }
  | { kind: 'allOf'; scopes: readonly string[] }
  | { kind: 'anyOf'; scopes: readonly string[] };

export function satisfies(requirement: Requirement, scopes: readonly string[]): boolean {
  switch (requirement.kind) {
    case 'authenticated':
      return true;
    case 'allOf':
      return requirement.scopes.every((scope) => scopes.includes(scope));
    case 'anyOf':
      return requirement.scopes.some((scope) => scopes.includes(scope));
  }
}

/** For the log of a 403: the scopes that would have let the token in (any one of them, for anyOf). */
export function missingScopes(requirement: Requirement, scopes: readonly string[]): string[] {
  if (requirement.kind === 'authenticated') return [];
  return requirement.scopes.filter((scope) => !scopes.includes(scope));
}

/** The smallest scope sets that pass: any set that passes holds one of them. */
function smallestPassing(requirement: Requirement): (readonly string[])[] {
  switch (requirement.kind) {
    case 'authenticated':
      // Stryker disable next-line ArrayDeclaration: any set passes 'authenticated'; a made-up scope in it changes no answer
      return [[]];
    case 'allOf':
      return [requirement.scopes];
    case 'anyOf':
      return requirement.scopes.map((scope) => [scope]);
  }
}

/**
 * Whether some token passes both `a` and `b` but not `c`. Every requirement is monotone in the
 * token's scopes, so it is enough to try the smallest sets that pass `a` and `b`.
 */
export function canPassBothWithout(a: Requirement, b: Requirement, c: Requirement): boolean {
  return smallestPassing(a).some((setA) =>
    smallestPassing(b).some((setB) => !satisfies(c, [...setA, ...setB])),
  );
}

export function describeRequirement(requirement: Requirement): string {
  switch (requirement.kind) {
    case 'authenticated':
      return 'any valid access token';
    case 'allOf':
      return `all of ${requirement.scopes.join(', ')}`;
    case 'anyOf':
      return `any of ${requirement.scopes.join(', ')}`;
  }
}
