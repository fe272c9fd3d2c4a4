/**
 * User tags and notes on sweeps and trials (issue 12): free `key → value` strings, the note kept as
 * MLflow keeps a run's description, in the tag `mlflow.note.content`. The same rules serve `sweepq
 * tag`, `POST …/tags` and MLflow's set-tag, so a tag written one way reads back the same the others.
 */
import { z } from 'zod';

/** The tag MLflow keeps a run's note (description) in. */
export const NOTE_TAG = 'mlflow.note.content';
/** Longest key (MLflow's limit). */
export const MAX_TAG_KEY_LENGTH = 250;
/** Longest value (MLflow's limit). */
export const MAX_TAG_VALUE_LENGTH = 8000;
/** Most tags one sweep or trial holds: each distinct key is a column of the read model. */
export const MAX_TAGS = 100;
/** MLflow's key alphabet: letters, digits, `_ - . / :` and spaces. */
const TAG_KEY = /^[\w\-./: ]+$/;
/** Tags sweepq reports itself on MLflow runs (status, model); never stored. */
export const RESERVED_TAG_PREFIX = 'sweepq.';

export const TagKeySchema = z
  .string()
  .min(1, 'a tag key is not empty')
  .max(MAX_TAG_KEY_LENGTH, `a tag key has at most ${MAX_TAG_KEY_LENGTH} characters`)
  .regex(TAG_KEY, 'a tag key holds letters, digits, _ - . / : and spaces')
  .refine((key) => !key.startsWith(RESERVED_TAG_PREFIX), `tag keys starting with ${RESERVED_TAG_PREFIX} are reserved for what sweepq reports`);
export const TagValueSchema = z.string().max(MAX_TAG_VALUE_LENGTH, `a tag value has at most ${MAX_TAG_VALUE_LENGTH} characters`);

/** A change to the tags of a sweep or trial (`POST /sweeps/:id/tags`, `sweepq tag`). */
export const TagChangeSchema = z.strictObject({
  /** Tags to add or overwrite. */
  set: z.record(TagKeySchema, TagValueSchema).optional(),
  /** Tags to remove (removing an absent tag is not an error). */
  remove: z.array(TagKeySchema).max(MAX_TAGS).optional(),
  /** The note: text sets `mlflow.note.content`, null removes it. */
  note: TagValueSchema.nullable().optional(),
});
export type TagChange = z.infer<typeof TagChangeSchema>;

/** The answer of a tag change: every tag the sweep or trial now has. */
export const TagsResultSchema = z.object({ tags: z.record(z.string(), z.string()) });

/** The tags after `change`, as one set/remove pair applied to `current` (the note folded in). */
export function applyTagChange(current: Readonly<Record<string, string>>, change: TagChange): Record<string, string> {
  const next: Record<string, string> = { ...current };
  for (const key of change.remove ?? []) delete next[key];
  for (const [key, value] of Object.entries(change.set ?? {})) next[key] = value;
  if (change.note === null) delete next[NOTE_TAG];
  else if (change.note !== undefined) next[NOTE_TAG] = change.note;
  return next;
}
