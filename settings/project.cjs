// Where the project is, and serverless.yml as the tools outside serverless read it. CommonJS, so
// that the build's plugins (plugins/*.cjs) use the same root as the TypeScript tools.
const { readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

/** The project's root folder. */
const ROOT = resolve(__dirname, '..');

/** serverless.yml, parsed as written (variables unresolved). */
function readServerlessYml(root = ROOT) {
  return require('js-yaml').load(readFileSync(join(root, 'serverless.yml'), 'utf8'));
}

module.exports = { ROOT, readServerlessYml };
