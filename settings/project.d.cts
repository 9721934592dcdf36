/** The project's root folder. */
export declare const ROOT: string;

/** serverless.yml, parsed as written (variables unresolved): the parts read outside serverless. */
export interface ServerlessConfig {
  service: string;
  functions?: Record<string, unknown>;
  custom: {
    esbuild: Record<string, unknown> & { mainFields: string[]; exclude: string[]; target: string };
    oktaAuthorizer?: object;
    oktaDpopAuthorizer?: object;
  } & Record<string, unknown>;
  [key: string]: unknown;
}

export declare function readServerlessYml(root?: string): ServerlessConfig;
