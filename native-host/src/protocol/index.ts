export * from './extension-ids.js';
export { checkLoopbackOrigin, isLoopbackHostname, isLoopbackUrl, type LoopbackCheck, type LoopbackOrigin, shareKeyOf } from './loopback.js';
export * from './messages.js';
export {
  MAX_EXPIRY_MINUTES,
  MAX_ID_LENGTH,
  MAX_ORIGIN_LENGTH,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  type Validated,
  validateRequest,
} from './validate.js';
