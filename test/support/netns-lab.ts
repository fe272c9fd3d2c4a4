/**
 * A small network of test hosts on this machine, for multi-host fault tests: each host is a Linux
 * network namespace (`ip netns`) with one veth link to a bridge in the root namespace — the switch.
 * The bridge holds the server address (`10.213.<n>.1/24`) where the test's Redis and MinIO listen; host
 * k is `10.213.<n>.<10+k>` and has no other route, so it reaches nothing but the lab. A host is
 * partitioned by taking its link down (`ip link set … down`): the kernel drops its packets, so both
 * ends see silence, not a reset, exactly as with a pulled cable.
 *
 * Needs root and iproute2 (`node scripts/ensure-iproute2.mjs`). Names are `sqf<pid><lab><role><k>`
 * (15 characters at most, the kernel's limit for links), so a lab whose process died is recognised
 * by its dead pid and removed by the next lab that starts. A lab removes its namespaces, links and the
 * processes it started inside them in {@link NetnsLab.destroy}, and synchronously on process exit
 * (exit-cleanup.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { onProcessExit } from './exit-cleanup.js';

/** What runs `ip` (found once). */
const IP = ['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip', '/bin/ip', 'ip'].find((candidate) => spawnSync(candidate, ['-V'], { stdio: 'ignore' }).status === 0);

const NAME_PATTERN = /^sqf(\d+)[a-z][bhvp]\d*$/;

interface IpResult {
  ok: boolean;
  stdout: string;
  stderr: string;
}

function ip(args: readonly string[]): IpResult {
  if (IP === undefined) return { ok: false, stdout: '', stderr: 'ip (iproute2) not found' };
  const result = spawnSync(IP, args, { encoding: 'utf8', timeout: 20_000 });
  return { ok: result.status === 0, stdout: result.stdout ?? '', stderr: (result.stderr ?? '') + (result.error?.message ?? '') };
}

function ipOrThrow(args: readonly string[]): string {
  const result = ip(args);
  if (!result.ok) throw new Error(`ip ${args.join(' ')} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Kills what runs inside `netns` (processes a lab started there), then removes the namespace. */
function removeNamespace(netns: string): void {
  for (const line of ip(['netns', 'pids', netns]).stdout.split('\n')) {
    const pid = Number(line.trim());
    if (Number.isInteger(pid) && pid > 0) {
      try {
        process.kill(pid, 'SIGCONT');
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
  ip(['netns', 'del', netns]);
}

function namespaces(): string[] {
  return ip(['netns', 'list'])
    .stdout.split('\n')
    .map((line) => line.trim().split(' ')[0] ?? '')
    .filter((name) => name !== '');
}

function links(): string[] {
  // "7: sqf123av0@if6: <…>" → "sqf123av0"
  return ip(['-o', 'link', 'show'])
    .stdout.split('\n')
    .map((line) => /^\d+:\s+([^:@\s]+)/.exec(line)?.[1] ?? '')
    .filter((name) => name !== '');
}

/** Removes the namespaces and links of labs whose process is gone (a crashed or killed test run). */
function removeStaleLabs(): void {
  for (const netns of namespaces()) {
    const match = NAME_PATTERN.exec(netns);
    if (match !== null && !pidAlive(Number(match[1]))) removeNamespace(netns);
  }
  for (const link of links()) {
    const match = NAME_PATTERN.exec(link);
    if (match !== null && !pidAlive(Number(match[1]))) ip(['link', 'del', link]);
  }
}

/**
 * Why network namespaces cannot be used here, or undefined when they can: tries what a lab does
 * (a namespace and a veth pair) and reports the failing command with its error.
 */
export function netnsUnavailableReason(): string | undefined {
  if (IP === undefined) return 'ip (iproute2) is not installed: run `node scripts/ensure-iproute2.mjs`';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'network namespaces need root';
  const probe = `sqf${process.pid}zh`;
  const steps: string[][] = [
    ['netns', 'add', probe],
    ['link', 'add', `sqf${process.pid}zv`, 'type', 'veth', 'peer', 'name', `sqf${process.pid}zp`],
    ['link', 'set', `sqf${process.pid}zp`, 'netns', probe],
  ];
  try {
    for (const step of steps) {
      const result = ip(step);
      if (!result.ok) return `\`ip ${step.join(' ')}\` failed: ${result.stderr.trim()}`;
    }
    return undefined;
  } finally {
    ip(['link', 'del', `sqf${process.pid}zv`]);
    ip(['netns', 'del', probe]);
  }
}

export interface LabHost {
  /** 0-based. */
  readonly index: number;
  /** Network namespace name. */
  readonly netns: string;
  /** This host's address. */
  readonly address: string;
  /** The root-namespace end of its link (a bridge port): down = partitioned. */
  readonly link: string;
}

let labsInProcess = 0;

export class NetnsLab {
  private destroyed = false;
  private readonly unregister: () => void;

  private constructor(
    /** The bridge's address in the root namespace: servers listen here. */
    readonly serverAddress: string,
    readonly hosts: readonly LabHost[],
    private readonly bridge: string,
  ) {
    this.unregister = onProcessExit(() => this.destroySync());
  }

  /** Creates a bridge with the server address and `hostCount` hosts linked to it. */
  static create(hostCount: number): NetnsLab {
    if (hostCount < 1 || hostCount > 9) throw new Error('a lab has 1 to 9 hosts');
    removeStaleLabs();
    const lab = String.fromCharCode(97 + (labsInProcess++ % 25));
    const base = `sqf${process.pid}${lab}`;
    const subnet = freeSubnet();
    const serverAddress = `${subnet}.1`;
    const bridge = `${base}b`;
    const hosts: LabHost[] = [];
    for (let k = 0; k < hostCount; k++) hosts.push({ index: k, netns: `${base}h${k}`, address: `${subnet}.${10 + k}`, link: `${base}v${k}` });
    const created = new NetnsLab(serverAddress, hosts, bridge);
    try {
      ipOrThrow(['link', 'add', bridge, 'type', 'bridge']);
      ipOrThrow(['addr', 'add', `${serverAddress}/24`, 'dev', bridge]);
      ipOrThrow(['link', 'set', bridge, 'up']);
      for (const host of hosts) {
        const peer = `${base}p${host.index}`;
        ipOrThrow(['netns', 'add', host.netns]);
        ipOrThrow(['link', 'add', host.link, 'type', 'veth', 'peer', 'name', peer]);
        ipOrThrow(['link', 'set', peer, 'netns', host.netns]);
        ipOrThrow(['link', 'set', host.link, 'master', bridge]);
        ipOrThrow(['link', 'set', host.link, 'up']);
        ipOrThrow(['-n', host.netns, 'addr', 'add', `${host.address}/24`, 'dev', peer]);
        ipOrThrow(['-n', host.netns, 'link', 'set', peer, 'up']);
        ipOrThrow(['-n', host.netns, 'link', 'set', 'lo', 'up']);
      }
    } catch (error) {
      created.destroySync();
      throw error;
    }
    return created;
  }

  /** Runs `command args` inside the host's namespace (`ip netns exec` execs it: the pid is the command's). */
  spawn(host: LabHost, command: string, args: readonly string[], env: NodeJS.ProcessEnv): ChildProcess {
    return spawn(IP ?? 'ip', ['netns', 'exec', host.netns, command, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Cuts the host off: its link goes down, packets in either direction are dropped. */
  partition(host: LabHost): void {
    ipOrThrow(['link', 'set', host.link, 'down']);
  }

  /** Brings the host's link back up. */
  heal(host: LabHost): void {
    ipOrThrow(['link', 'set', host.link, 'up']);
  }

  /** True when nothing of this lab is left (no namespace, no link). */
  leftovers(): string[] {
    const names = new Set([...namespaces(), ...links()]);
    return [this.bridge, ...this.hosts.flatMap((h) => [h.netns, h.link])].filter((name) => names.has(name));
  }

  /** Kills the processes inside the hosts, removes namespaces, links and the bridge. Idempotent. */
  destroy(): Promise<void> {
    this.destroySync();
    return Promise.resolve();
  }

  private destroySync(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.unregister();
    for (const host of this.hosts) {
      removeNamespace(host.netns); // takes the namespace's veth end, and so the pair, with it
      ip(['link', 'del', host.link]);
    }
    ip(['link', 'del', this.bridge]);
  }
}

/** A `10.213.<n>` /24 that no interface of this machine uses (another lab may be running). */
function freeSubnet(): string {
  const used = ip(['-o', '-4', 'addr', 'show']).stdout;
  for (let i = 0; i < 254; i++) {
    const n = ((process.pid + i * 7) % 250) + 2;
    if (!used.includes(` 10.213.${n}.`)) return `10.213.${n}`;
  }
  throw new Error('no free 10.213.x.0/24 subnet for a test lab');
}
