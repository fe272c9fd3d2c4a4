/**
 * The boundary to object storage (datasets, artefacts). Two implementations: a local folder for
 * single-machine use and MinIO/S3 for distributed workers. Keys are validated by `assertObjectKey`.
 */

/** Options of {@link ObjectStore.put}. */
export interface PutOptions {
  /** MIME type stored with the object (S3 only), e.g. `application/json`. */
  contentType?: string;
  /**
   * The key is new and unique to this writer (an attempt's own artefact key) and nobody reads it
   * before the writer publishes it (a commit that names it): the local store then writes it in place,
   * without a temp file and rename. Default false.
   */
  fresh?: boolean;
  /**
   * False: the bytes may be lost in a machine crash (the local store skips its fsyncs), for objects
   * whose loss costs nothing that matters (a trial's diagnostics). Default true.
   */
  durable?: boolean;
}

/** One object of {@link ObjectStore.putGroup}. */
export interface GroupObject {
  key: string;
  body: Buffer | string;
  contentType?: string;
  /** As {@link PutOptions.durable}: false skips making this object durable. Default true. */
  durable?: boolean;
}

/** A flat key → bytes store. Every method validates its key and is safe to retry (idempotent). */
export interface ObjectStore {
  readonly kind: 'local' | 's3';
  /** Prepares the store (creates the folder / bucket). Safe to call more than once, also concurrently. */
  ensureReady(): Promise<void>;
  /** Writes the whole object; readers see either the old or the new bytes, never a partial write. */
  put(key: string, body: Buffer | string, options?: PutOptions): Promise<void>;
  /**
   * Writes several new objects, each key new and unique to this writer as with {@link PutOptions.fresh}
   * (a group of finished trials' artefacts, issue 13 item 4): all are written, then all made durable
   * together — on a local folder one append to a pack file of each folder and one fdatasync, instead
   * of a file and an fsync per object. Every durable object is durable when this resolves; on failure
   * some may exist.
   */
  putGroup(objects: readonly GroupObject[]): Promise<void>;
  /** Reads the whole object. @throws SweepqError('NOT_FOUND') when the key does not exist. */
  get(key: string): Promise<Buffer>;
  /**
   * Writes a local file as the object, streamed (datasets of hundreds of MB are never held in memory);
   * same atomicity as `put`.
   */
  putFile(key: string, file: string, options?: PutOptions): Promise<void>;
  /**
   * Streams the object into a local file (written to `file` only when complete).
   * @throws SweepqError('NOT_FOUND') when the key does not exist.
   */
  getToFile(key: string, file: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** Deletes the object; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /**
   * Deletes every object under `folder/` (a key-shaped prefix, e.g. `artifacts/<sweep>`) and returns
   * how many there were. Safe to repeat: an interrupted call is finished by the next.
   */
  deleteFolder(folder: string): Promise<number>;
  /** Releases connections; the store must not be used afterwards. */
  close?(): Promise<void>;
}
