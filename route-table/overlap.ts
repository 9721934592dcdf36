/**
 * Which requests route templates and their IAM resource patterns share, decided exactly: a
 * request is a word over segments (the method, then each path segment), and each template or
 * pattern an automaton over them. Deploy-time work (route-table.ts); the authorizer ships the result.
 */
import { METHODS, precedence, type RouteTemplate } from './patterns';

// Requests as words over segments: the method, then each path segment. A template or an IAM
// pattern is a sequence of items, each reading one symbol (or one or more, for `many`).
type Item = { read: 'method' } | { read: 'exact'; value: string } | { read: 'one' | 'many' };

function templateItems(route: RouteTemplate): Item[] {
  return [
    route.method === 'ANY' ? { read: 'method' } : { read: 'exact', value: route.method },
    ...route.segments.map((s): Item =>
      s.kind === 'literal'
        ? { read: 'exact', value: s.value }
        : { read: s.kind === 'param' ? 'one' : 'many' },
    ),
  ];
}

/** An IAM pattern of the route: each `*` reads one or more whole segments. */
function patternItems(route: RouteTemplate): Item[] {
  return templateItems(route).map((item) => (item.read === 'one' ? { read: 'many' } : item));
}

// Stryker disable next-line StringLiteral: any value no route names (literals are never empty) stands for the rest as well
const OTHER = '\u0000other'; // stands for every segment value no item names

/** The positions an item sequence can be in after reading `symbol`, from `states`. */
function step(items: Item[], states: Set<number>, symbol: string): Set<number> {
  const next = new Set<number>();
  for (const i of states) {
    const item = items[i];
    if (!item) continue;
    const reads =
      // Stryker disable next-line ConditionalExpression: the method item only ever reads a request's first symbol, which is always a method
      item.read === 'method'
        ? (METHODS as readonly string[]).includes(symbol)
        : item.read === 'exact'
          ? item.value === symbol
          : true;
    if (!reads) continue;
    next.add(i + 1);
    if (item.read === 'many') next.add(i);
  }
  return next;
}

interface Language {
  items: Item[];
  /** true: the request must be in it; false: it must not. */
  member: boolean;
}

/**
 * Whether some request is in every `member` language and in none of the others: a breadth-first
 * search over the product of their (subset-constructed) automata. Segment values that no item
 * names behave alike, so one symbol stands for all of them.
 */
function someRequest(languages: Language[]): boolean {
  const symbols = new Set<string>([...METHODS, OTHER]);
  for (const { items } of languages) {
    for (const item of items) if (item.read === 'exact') symbols.add(item.value);
  }
  const accepting = (language: Language, states: Set<number>) =>
    states.has(language.items.length) === language.member;
  const keyOf = (states: Set<number>[]) =>
    states.map((s) => [...s].sort((a, b) => a - b).join(',')).join('|');

  let frontier = [languages.map(() => new Set([0]))];
  const seen = new Set(frontier.map(keyOf));
  while (frontier.length > 0) {
    const next: Set<number>[][] = [];
    for (const states of frontier) {
      for (const symbol of symbols) {
        const moved = languages.map((language, i) =>
          step(language.items, states[i] as Set<number>, symbol),
        );
        // A language that must hold the request and has no live state left cannot.
        // Stryker disable next-line ConditionalExpression,MethodExpression,ArrowFunction,LogicalOperator: pruning only; a dead state never reaches acceptance, so the answer is the same
        if (languages.some((language, i) => language.member && moved[i]?.size === 0)) continue;
        if (languages.every((language, i) => accepting(language, moved[i] as Set<number>)))
          return true;
        const key = keyOf(moved);
        if (!seen.has(key)) {
          seen.add(key);
          next.push(moved);
        }
      }
    }
    frontier = next;
  }
  return false;
}

/** The routes that API Gateway prefers to `route` for some of the requests both match. */
export function routesTakingFrom(
  route: RouteTemplate,
  all: readonly RouteTemplate[],
): RouteTemplate[] {
  return all.filter(
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a route never precedes itself, and two distinct routes of a valid table never tie while overlapping
    (other) => other.key !== route.key && precedence(other, route) < 0 && overlaps(other, route),
  );
}

/**
 * Whether `pattern`'s IAM resource pattern matches some request that API Gateway sends to
 * `route`, given the routes that take some of its requests first (`routesTakingFrom`).
 */
export function patternReachesRouteOf(
  pattern: RouteTemplate,
  route: RouteTemplate,
  takenBy: readonly RouteTemplate[],
): boolean {
  return someRequest([
    { items: templateItems(route), member: true },
    { items: patternItems(pattern), member: true },
    ...takenBy.map((winner) => ({ items: templateItems(winner), member: false })),
  ]);
}

/** Whether two routes match a common request. */
export function overlaps(a: RouteTemplate, b: RouteTemplate): boolean {
  return someRequest([
    { items: templateItems(a), member: true },
    { items: templateItems(b), member: true },
  ]);
}
