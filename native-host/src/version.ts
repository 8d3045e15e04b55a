declare const __PORTHOLE_VERSION__: string | undefined;

/** Set by the esbuild bundle from package.json; unbundled runs (unit tests) say so. */
export const HOST_VERSION: string = typeof __PORTHOLE_VERSION__ === 'string' ? __PORTHOLE_VERSION__ : '0.0.0-dev';
