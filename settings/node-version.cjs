'use strict';
/**
 * The Node.js versions the local tooling supports, checked before anything starts: by `npm start`
 * and `npm run token` (local/env.ts) and by `npm test` (jest.config.js). Plain CommonJS, so that
 * it runs, and says what to do, on a Node.js too old for the rest of the project.
 */
const { engines } = require('../package.json');

/** The lowest supported major, from package.json's `engines.node` (">=22"). */
const LOWEST = Number(/^>=\s*(\d+)/.exec(engines.node)[1]);
/** What Lambda runs (serverless.yml's runtime); CI tests on it. */
const DEPLOYED = 24;

/** The one line an unsupported Node.js gets, or undefined on a supported one. */
function unsupportedNode(command, version = process.versions.node) {
  const major = Number(version.split('.')[0]);
  if (major >= LOWEST) return undefined;
  return (
    `${command}: Node.js ${LOWEST} or later is needed (this is v${version}); Lambda runs nodejs${DEPLOYED}.x. ` +
    `Install it (e.g. \`nvm install ${DEPLOYED}\`) and run \`npm ci\` again.`
  );
}

/** Stops the process with that line on an unsupported Node.js. */
function requireSupportedNode(command) {
  const line = unsupportedNode(command);
  if (line === undefined) return;
  console.error(line);
  process.exit(1);
}

module.exports = { LOWEST, DEPLOYED, unsupportedNode, requireSupportedNode };
