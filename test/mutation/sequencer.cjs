// Under `npm run mutate` jest stops at the first failure: run the quick, pointed suites first and
// the property-based ones last, so a mutant is usually killed within seconds.
const Sequencer = require('@jest/test-sequencer').default;

const LAST = [
  '/security/matrix',
  '/security/identity-provider',
  '/security/cache-safety',
  '/security/fuzz',
];
const rank = (path) => LAST.findIndex((part) => path.includes(part));

class FastFirst extends Sequencer {
  sort(tests) {
    return [...tests].sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
  }
}

module.exports = FastFirst;
