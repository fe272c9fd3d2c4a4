/** How the CLI shows user tags: `key=value` pairs, the note (`mlflow.note.content`) last and quoted. */
import { NOTE_TAG } from '../../../shared/schemas/tags.schema.js';

/** Longest note shown inline (the rest is in `--json`). */
const NOTE_WIDTH = 120;

export function formatTags(tags: Readonly<Record<string, string>>): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (key !== NOTE_TAG) parts.push(`${key}=${value}`);
  }
  const note = tags[NOTE_TAG];
  if (note !== undefined) {
    const flat = note.replace(/\s+/g, ' ').trim();
    parts.push(`note: "${flat.length > NOTE_WIDTH ? `${flat.slice(0, NOTE_WIDTH - 1)}…` : flat}"`);
  }
  return parts.length === 0 ? '-' : parts.join('  ');
}
