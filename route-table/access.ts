import { type Requirement, satisfies } from './compiled';

export type { Requirement } from './compiled';
export { missingScopes, satisfies } from './compiled';

/** Who may call a route, as routes.ts declares it. */
export type Access =
  'anonymous' | 'authenticated' | { allOf: readonly string[] } | { anyOf: readonly string[] };

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
