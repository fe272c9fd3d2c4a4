export type { ObjectStore } from './object-store.js';
export { assertObjectKey } from './object-key.js';
export { LocalObjectStore } from './local-object-store.js';
// MinioObjectStore is deliberately not re-exported: importing it loads the minio client, which
// createObjectStore loads only when S3 is configured. Import it from './minio-object-store.js'.
export { createObjectStore } from './create-object-store.js';
