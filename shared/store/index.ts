export type { ObjectStore, PutOptions } from './object-store.js';
export { assertObjectKey, MAX_OBJECT_KEY_LENGTH } from './object-key.js';
export { LocalObjectStore } from './local-object-store.js';
export { MinioObjectStore, isTransientStoreError } from './minio-object-store.js';
export type { MinioObjectStoreOptions } from './minio-object-store.js';
export { createObjectStore } from './create-object-store.js';
