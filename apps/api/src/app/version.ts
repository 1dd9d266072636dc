// Replaced at build time by webpack (DefinePlugin) with the root package.json's version.
declare const __APP_VERSION__: string | undefined;

/** The product version; tests run unbundled and see the development marker. */
export const APP_VERSION_STRING: string = typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : '0.0.0-dev';
