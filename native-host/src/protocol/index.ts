export * from './extension-ids.js';
export { checkLoopbackOrigin, isLoopbackHostname, isLoopbackUrl, type LoopbackCheck, type LoopbackOrigin, shareKeyOf } from './loopback.js';
export * from './messages.js';
export { checkUploadPath, MAX_UPLOAD_PATH_LENGTH, MAX_UPLOAD_SEGMENT_BYTES, type UploadPath } from './upload-path.js';
export {
  MAX_EXPIRY_MINUTES,
  MAX_ID_LENGTH,
  MAX_ORIGIN_LENGTH,
  MAX_PASSWORD_LENGTH,
  MAX_UPLOAD_LABEL_LENGTH,
  MIN_PASSWORD_LENGTH,
  type Validated,
  validateRequest,
} from './validate.js';
