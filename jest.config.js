/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)s$': ['@swc/jest'],
  },
  // jose is ESM-only; let swc turn it into CommonJS for the test fixtures that forge tokens.
  transformIgnorePatterns: ['/node_modules/(?!jose/)'],
  testTimeout: 30000,
  // The end-to-end and template suites run serverless, which builds into one .esbuild folder.
  maxWorkers: 1,
};
