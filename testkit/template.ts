/**
 * What the template suites (test/template/) share: the issuer they package with, and one copy of
 * the project per suite to package in, so the working tree and its .serverless/ stay as they are.
 */
import { ProjectCopy } from './project-copy';

export const ISSUER = 'https://dev-123456.okta.com/oauth2/default';

/** Registers the hooks: a copy of the project for this suite, removed after it. */
export function projectForSuite() {
  let project: ProjectCopy;
  beforeAll(() => {
    project = new ProjectCopy();
  });
  afterAll(() => project.remove());
  return {
    get project() {
      return project;
    },
    /** `serverless package` in the copy, with this environment. */
    packageFor: (env: NodeJS.ProcessEnv) => project.package(env),
  };
}
