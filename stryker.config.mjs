// Mutation testing of the deployed code: `npm run mutate` (test/MUTATION.md says what survives and why).
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  // What ships: the Lambdas, the route-table compiler whose output the authorizers carry and the
  // compiled table's readers, and the setting checks the authorizers run at their cold start.
  mutate: [
    'authorizer/**/*.ts',
    'handlers/**/*.ts',
    'route-table/{access,compile,compiled,overlap,patterns}.ts',
    'settings/{cors,dpop,errors,okta}.ts',
  ],
  // The wording of a message is not behaviour: test/mutation/message-wording.mjs leaves it out.
  plugins: ['@stryker-mutator/*', './test/mutation/message-wording.mjs'],
  ignorers: ['message-wording'],
  testRunner: 'jest',
  jest: {
    configFile: 'jest.config.js',
    // The suites that exercise the deployed code in-process. The end-to-end, browser, template and
    // local suites start servers and copies of the project: too slow to rerun per mutant.
    config: {
      testMatch: [
        '<rootDir>/test/unit/authorizer/**/*.test.ts',
        '<rootDir>/test/unit/handlers/**/*.test.ts',
        '<rootDir>/test/security/**/*.test.ts',
      ],
      testSequencer: '<rootDir>/test/mutation/sequencer.cjs',
    },
  },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'test/mutation/incremental.json',
  // One type checker and two test runners on a 2-core machine.
  concurrency: 3,
  timeoutMS: 10000,
  reporters: ['clear-text', 'progress-append-only', 'html'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  // break: the score reached (98.77% on 2026-11-23); a drop below it fails the run.
  thresholds: { high: 95, low: 90, break: 98 },
  tempDirName: '.stryker-tmp',
};
