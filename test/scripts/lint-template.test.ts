import { dirname } from 'node:path';
import { isolatedEnv, runTsx } from '../../testkit/processes';

// Without cfn-lint, `npm run lint:template` says in one line how to get it, and packages nothing.
it('says how to get cfn-lint when it is not installed', async () => {
  const result = await runTsx(
    'scripts/lint-template.ts',
    [],
    isolatedEnv({ PATH: dirname(process.execPath) }),
  );
  expect(result).toEqual({
    code: 1,
    stdout: '',
    stderr:
      'lint:template: cfn-lint not found: install it (`pipx install cfn-lint`, `pip install cfn-lint` or `brew install cfn-lint`) and run npm run lint:template again.\n',
  });
});
