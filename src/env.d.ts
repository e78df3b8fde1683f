/** Build-time constants defined in vite.config.ts. */
declare const __CARNET_VERSION__: string;
