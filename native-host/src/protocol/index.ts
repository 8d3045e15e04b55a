export * from './messages.js';
export { validateRequest, MAX_EXPIRY_MINUTES, MAX_ID_LENGTH, MAX_ORIGIN_LENGTH, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, type Validated } from './validate.js';
export { checkLoopbackOrigin, isLoopbackHostname, isLoopbackUrl, shareKeyOf, type LoopbackCheck, type LoopbackOrigin } from './loopback.js';
export * from './extension-ids.js';
