export declare const LOWEST: number;
export declare const DEPLOYED: number;
export declare function unsupportedNode(command: string, version?: string): string | undefined;
export declare function requireSupportedNode(command: string): void;
