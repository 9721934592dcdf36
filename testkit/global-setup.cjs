// jest's globalSetup (jest.config.js): the run's temporary files go in one folder of the OS temp
// directory, removed when the run ends (global-teardown.cjs). Every process the tests start
// inherits TMPDIR, so what serverless, serverless-offline, Chromium or a test leaves goes with it.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = () => {
  process.env.TMPDIR = mkdtempSync(join(tmpdir(), 'okta-api-test-'));
};
