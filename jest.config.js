// An unsupported Node.js stops `npm test` here, with the line `npm start` prints, before any
// suite starts a process.
require('./settings/node-version.cjs').requireSupportedNode('npm test');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // testkit/ too: Stryker's per-test coverage sees only modules loaded under a root, and the
  // authorizers' cold starts are loaded from testkit/authorizer.ts.
  roots: ['<rootDir>/test', '<rootDir>/testkit'],
  testMatch: ['**/*.test.ts'],
  // One temporary folder for the run, removed after it.
  globalSetup: '<rootDir>/testkit/global-setup.cjs',
  globalTeardown: '<rootDir>/testkit/global-teardown.cjs',
  transform: {
    // Type-checking is `npm run typecheck`'s job; here ts-jest only transpiles, to CommonJS.
    // jose and openid-client are ESM-only: their .js files go through it too.
    '^.+\\.[tj]s$': [
      'ts-jest',
      {
        tsconfig: {
          module: 'commonjs',
          moduleResolution: 'node10',
          ignoreDeprecations: '6.0',
          rootDir: '.',
          allowJs: true,
          isolatedModules: true,
        },
      },
    ],
  },
  transformIgnorePatterns: ['/node_modules/(?!(jose|openid-client|oauth4webapi)/)'],
  testTimeout: 30000,
  // The end-to-end and template suites run serverless, which builds into one .esbuild folder.
  maxWorkers: 1,
};
