// jest's globalTeardown (jest.config.js): removes the run's temporary folder (global-setup.cjs).
const { rmSync } = require('node:fs');

module.exports = () => {
  const dir = process.env.TMPDIR;
  if (dir && /[\\/]okta-api-test-[^\\/]+$/.test(dir)) {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  }
};
