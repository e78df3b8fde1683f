/** Types for chromium.mjs, so TypeScript configs and tests can import it. */
export declare const CHROMIUM: string;
export declare const CHROMIUM_ARGS: readonly string[];
export declare function ensureChromium(): string;
