/**
 * A program's process tree (issue 14): descendants that left the program's process group (setsid, a
 * double fork) and ignore SIGTERM are found by the run's tag and killed — when sweepq stops the program,
 * and when the program exits and leaves them behind. Real processes (sh, setsid), no Redis.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ProgramProcess } from '../../services/worker/program/program-process.js';
import { newTrialTag, signalTaggedProcesses, taggedProcesses, TRIAL_TAG_VARIABLE } from '../../services/worker/program/tagged-processes.js';
import { pidAlive, waitFor } from '../faults/fault-harness.js';

const PROC = existsSync('/proc/self/environ');

/** Fields of /proc/<pid>/stat after the command name: state, ppid, process group, session. */
function processGroupOf(pid: number): Promise<{ group: number; session: number }> {
  return readFile(`/proc/${pid}/stat`, 'utf8').then((stat) => {
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { group: Number(fields[2]), session: Number(fields[3]) };
  });
}

describe('a program process tree', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'sweepq-tree-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs `sh -c script` as a program; the script starts a SIGTERM-ignoring grandchild in a session of its own that writes its pid. */
  function program(script: string, pidFile: string): ProgramProcess {
    const escape = `setsid sh -c 'trap "" TERM; echo $$ > ${pidFile}; exec sleep 60' &`;
    return new ProgramProcess({
      command: ['sh', '-c', `trap '' TERM; ${escape} ${script}`],
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      timeoutMs: 60_000,
      memoryMb: null,
      onStdoutLine: () => undefined,
    });
  }

  async function escapedPid(pidFile: string): Promise<number> {
    return waitFor('the escaped grandchild to start', async () => Number((await readFile(pidFile, 'utf8').catch(() => '')).trim()) || undefined, 10_000, 20);
  }

  it('stops a descendant that left the group and ignores SIGTERM, with the program', async (t) => {
    if (!PROC) return t.skip('no /proc on this system: only the group kill applies');
    const pidFile = path.join(dir, 'stopped.pid');
    const run = program('sleep 60', pidFile);
    const escaped = await escapedPid(pidFile);
    const own = await processGroupOf(process.pid);
    const its = await processGroupOf(escaped);
    assert.notEqual(its.session, own.session, 'the grandchild is in a session of its own');
    await run.stop('abort');
    const exit = await run.done;
    assert.equal(exit.stoppedFor, 'abort');
    await waitFor('the escaped grandchild to be gone', () => !pidAlive(escaped), 3000, 20);
  });

  it('kills a descendant that left the group when the program exits and leaves it behind', async (t) => {
    if (!PROC) return t.skip('no /proc on this system: only the group kill applies');
    const pidFile = path.join(dir, 'left.pid');
    // The program waits for its grandchild's pid file, then exits 0.
    const run = program(`while [ ! -s ${pidFile} ]; do sleep 0.02; done; exit 0`, pidFile);
    const exit = await run.done;
    assert.equal(exit.code, 0);
    const escaped = Number((await readFile(pidFile, 'utf8')).trim());
    await waitFor('the escaped grandchild to be gone', () => !pidAlive(escaped), 3000, 20);
  });

  it('finds processes by their exact tag only', async (t) => {
    if (!PROC) return t.skip('no /proc on this system: only the group kill applies');
    const tag = newTrialTag();
    const start = (value: string) => spawn('sleep', ['60'], { env: { PATH: process.env.PATH, [TRIAL_TAG_VARIABLE]: value }, stdio: 'ignore' });
    const tagged = start(tag);
    const longer = start(`${tag}0`);
    try {
      await waitFor('the tagged sleep to be seen', () => taggedProcesses(tag).includes(tagged.pid!), 5000, 20);
      assert.deepEqual(taggedProcesses(tag), [tagged.pid]);
      assert.equal(signalTaggedProcesses(tag, 'SIGKILL') >= 1, true);
      await waitFor('the tagged sleep to be gone', () => !pidAlive(tagged.pid!), 3000, 20);
      assert.ok(pidAlive(longer.pid!), 'a tag that only starts with it is another run');
    } finally {
      tagged.kill('SIGKILL');
      longer.kill('SIGKILL');
    }
  });
});
