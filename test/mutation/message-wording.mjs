// A Stryker ignorer (stryker.config.mjs `ignorers`): the wording of a message is not behaviour.
// Mutants of the text of an error, a refusal's `detail` or `message`, and an error class's `name`
// are left out of the score; the tests check each refusal's outcome, reason and status instead.
// Everything else, conditions inside such an expression included, is still mutated.
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

const TEXT = new Set(['StringLiteral', 'TemplateLiteral']);
/** Nodes that only build a text out of texts: a message is ignored through them. */
const WORDING = new Set([...TEXT, 'BinaryExpression', 'ParenthesizedExpression']);
/** Calls that only make an error from a message (dpop.ts's invalid()). */
const ERROR_FACTORIES = new Set(['invalid']);

/** The one error message that is behaviour (authorizer/respond.ts). */
const UNAUTHORIZED = 'Unauthorized';

const nameOf = (node) => node?.name ?? node?.property?.name;

function messageOf(path) {
  // Up through concatenations to the expression the text is part of.
  let top = path;
  while (top.parentPath && WORDING.has(top.parentPath.node.type)) top = top.parentPath;
  const parent = top.parentPath?.node;
  if (!parent) return undefined;
  // An error's message is its last argument (DpopProofError's first is its reason: behaviour).
  const isMessage = () => parent.arguments.at(-1) === top.node;
  if (parent.type === 'NewExpression' && /Error$/.test(nameOf(parent.callee) ?? '')) {
    return isMessage() ? 'the text of an error' : undefined;
  }
  if (parent.type === 'CallExpression' && ERROR_FACTORIES.has(nameOf(parent.callee))) {
    return isMessage() ? 'the text of an error' : undefined;
  }
  if (parent.type === 'ObjectProperty' && parent.value === top.node) {
    const key = parent.key.name ?? parent.key.value;
    if (key === 'detail' || key === 'message') return `the wording of a refusal's ${key}`;
  }
  if (parent.type === 'ClassProperty' && nameOf(parent.key) === 'name') {
    const owner = top.parentPath.parentPath?.parentPath?.node;
    if (/Error$/.test(nameOf(owner?.superClass) ?? '')) return "an error class's name";
  }
  return undefined;
}

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'message-wording', {
    shouldIgnore(path) {
      if (!TEXT.has(path.node.type)) return undefined;
      // API Gateway answers 401 for exactly this message: behaviour, always mutated.
      if (path.node.value === UNAUTHORIZED) return undefined;
      const what = messageOf(path);
      return what && `Wording, not behaviour: ${what}`;
    },
  }),
];
