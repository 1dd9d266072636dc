// The root package.json is the product's version; webpack inlines it.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { version } from '../../../../package.json';

/** The product version, from the root package.json (bundled at build time). */
export const APP_VERSION_STRING: string = version;
