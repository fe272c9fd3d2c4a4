/**
 * `sweepq tag ID [KEY=VALUE …] [--remove K1,K2] [--note TEXT | --clear-note]`: user tags and the note of
 * a sweep (ID = sweep id) or a trial (ID = trial id). Without changes it prints the current tags.
 * Tags are filterable (`--filter "tags.stage = 'prod'"`) and are what MLflow clients see as run tags.
 */
import { loadConfig } from '../../../shared/config/config.js';
import { InvalidInputError } from '../../../shared/errors/index.js';
import type { TagChange } from '../../../shared/schemas/tags.schema.js';
import { flag, printJson, printLine, stringOption, type Command } from '../command.js';
import { withClient } from '../connect.js';
import { formatTags } from '../format/tags.js';

/** `key=value` arguments → the tags to set. @throws InvalidInputError INVALID_ARGUMENT for an argument without `=`. */
function parseAssignments(args: readonly string[]): Record<string, string> {
  const set: Record<string, string> = {};
  for (const arg of args) {
    const at = arg.indexOf('=');
    if (at <= 0) throw new InvalidInputError('INVALID_ARGUMENT', `"${arg.slice(0, 80)}" is not KEY=VALUE (e.g. stage=prod); remove tags with --remove KEY`);
    set[arg.slice(0, at)] = arg.slice(at + 1);
  }
  return set;
}

export const tagCommand: Command = {
  async run({ positionals, values }) {
    const [id, ...assignments] = positionals;
    const change: TagChange = {};
    const set = parseAssignments(assignments);
    if (Object.keys(set).length > 0) change.set = set;
    const remove = stringOption(values, 'remove');
    if (remove !== undefined)
      change.remove = remove
        .split(',')
        .map((k) => k.trim())
        .filter((k) => k !== '');
    const note = stringOption(values, 'note');
    if (note !== undefined && flag(values, 'clearNote')) throw new InvalidInputError('INVALID_ARGUMENT', 'give either --note or --clear-note, not both');
    if (note !== undefined) change.note = note;
    if (flag(values, 'clearNote')) change.note = null;
    // No change: an empty one answers the current tags.
    const { tags } = await withClient(loadConfig(), (client) => client.tag(id!, change));
    if (flag(values, 'json')) printJson({ id, tags });
    else printLine(`${id}  ${formatTags(tags)}`);
    return 0;
  },
};
