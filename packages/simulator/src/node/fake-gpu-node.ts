import net from 'node:net';

import ssh2, { type Connection, type ServerChannel } from 'ssh2';

import { type GpuSku } from '../catalog/gpu-skus.js';
import { type FaultRegistry } from '../faults/fault-registry.js';
import { type Prng } from '../internal/prng.js';
import { type VendorName } from '../model.js';
import { BenchEmulator } from './bench-emulator.js';
import { MemoryFs } from './memory-fs.js';
import { BUSY_UTILIZATION_PERCENT, GPU_PROGRAMS, GpuWorkloads } from './gpu-workloads.js';
import { type GpuComputeApp, type GpuDevice, type NvidiaFailure, type NvidiaSmiState } from './nvidia-smi.js';
import { createPrograms, owner, shellFileAccess, type Mount, type NodeProcess, type NodeRuntime } from './programs.js';
import { parseScript, ShellSession, type ExecResult, type ShellEnvironment } from './shell.js';
import { type AuthorizedKey } from './ssh-keys.js';
import { serveSftp } from './sftp-server.js';

const { Server } = ssh2;

export interface DriverStack {
  readonly driverVersion: string;
  readonly cudaVersion: string;
}

export interface FakeGpuNodeOptions {
  readonly vendor: VendorName;
  readonly instanceId: string;
  readonly hostname: string;
  /** Host private key (OpenSSH format). */
  readonly hostKey: string;
  readonly sku: GpuSku;
  readonly gpuCount: number;
  readonly driver: DriverStack;
  /** Blue Lobster moves some cards to a newer driver during the boot-time dist-upgrade. */
  readonly driverAfterUpgrade?: DriverStack;
  readonly mounts: readonly Mount[];
  /** Login users besides root's own account (e.g. `user`, `ubuntu`); root may also be listed. */
  readonly users: readonly string[];
  /** Before this instant sshd is not up: connections are closed before the banner. */
  readonly sshReadyAtMs: number;
  /** While true the machine is still booting whatever the time (the simulator's boot hold). */
  readonly bootHeld?: () => boolean;
  /** The boot-time dist-upgrade: dpkg lock held, and with driverAfterUpgrade, NVML mismatch. */
  readonly upgradeUntilMs: number | null;
  /**
   * The image's NVIDIA driver: working, installed but never built (nvidia-smi fails, exit 9), or
   * not installed at all (no nvidia-smi). TensorDock images need repair steps in cloud-init.
   */
  readonly driverState?: 'ok' | 'broken' | 'absent';
  readonly faults: FaultRegistry;
  readonly now: () => number;
  readonly rng: Prng;
  readonly fsCapacityBytes?: number;
  /** How long the emulated benchmark script runs from start to result (scaled). @default 600 */
  readonly benchmarkRunMs?: number;
}

interface KeyGrant {
  readonly key: AuthorizedKey;
  readonly activeAtMs: number;
}

/**
 * The shell works on byte strings (one char per byte, `latin1`), so binary files keep their exact
 * size and content; text crosses the SSH channel as UTF-8 bytes either way.
 */
function toBytes(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

function fromBytes(bytes: string): string {
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** How long a graceful close lets clients process the SSH disconnect before sockets are cut. */
const GRACEFUL_CLOSE_MS = 50;

const BUS_IDS = ['00000000:01:00.0', '00000000:21:00.0', '00000000:41:00.0', '00000000:61:00.0', '00000000:81:00.0', '00000000:A1:00.0', '00000000:C1:00.0', '00000000:E1:00.0'];

/** Programs that read standard input when given no file operand. */
const STDIN_READERS = new Set(['cat', 'grep', 'egrep', 'head', 'tail', 'wc', 'cut', 'base64', 'bash', 'sh']);

/**
 * Whether a command line reads the exec channel's stdin, so the node waits for the client's EOF
 * before running it. Other commands run at once: a client that sends no stdin never sends EOF.
 */
function readsStdin(command: string): boolean {
  try {
    for (const item of parseScript(command).items) {
      const first = item.pipeline.commands[0];
      if (!first || first.type !== 'simple') continue;
      if (first.redirects.some((r) => r.op === '<')) continue;
      const words = first.words.map((w) => w.map((p) => (p.kind === 'lit' ? p.text : '$')).join(''));
      let args = words;
      while (args[0] === 'sudo' || args[0] === 'nohup') args = args.slice(1).filter((a, i) => i > 0 || !a.startsWith('-'));
      const name = args[0] ?? '';
      if (!STDIN_READERS.has(name)) continue;
      const operands = args.slice(1).filter((a) => !a.startsWith('-') || a === '-');
      if (name === 'bash' || name === 'sh') {
        if (!args.slice(1).some((a) => /^-[a-z]*c/.test(a)) && operands.length === 0) return true;
        continue;
      }
      const needsPattern = name === 'grep' || name === 'egrep' ? 1 : 0;
      if (operands.length <= needsPattern || operands.includes('-')) return true;
    }
  } catch {
    return false;
  }
  return false;
}

/**
 * One simulated GPU machine: an ssh2 server on its own 127.0.0.1 port that accepts only keys
 * installed through the vendor's mechanism, runs a small shell with nvidia-smi, df, dmesg and the
 * dpkg-lock tools, and serves SFTP from an in-memory file system.
 */
export class FakeGpuNode {
  readonly fs: MemoryFs;
  private readonly tcp: net.Server;
  private readonly ssh: InstanceType<typeof Server>;
  private readonly sockets = new Set<net.Socket>();
  private readonly clients = new Set<Connection>();
  private readonly grants = new Map<string, KeyGrant[]>();
  private readonly gpus: readonly GpuDevice[];
  /** What "uses the GPU" on this node (python scripts, ollama), as nvidia-smi reports it. */
  readonly workloads: GpuWorkloads;
  private readonly programs: ShellEnvironment['programs'];
  private closed = false;
  private listeningPort: number | null = null;
  private readonly runtimeForFiles: NodeRuntime;
  /** Answers the benchmark runner's start and poll commands (see bench-emulator.ts). */
  readonly bench: BenchEmulator;
  /** The boot and dpkg-lock times, moved later when a boot hold outlasts them (`delayBoot`). */
  private sshReadyAtMs: number;
  private upgradeUntilMs: number | null;

  constructor(private readonly options: FakeGpuNodeOptions) {
    this.sshReadyAtMs = options.sshReadyAtMs;
    this.upgradeUntilMs = options.upgradeUntilMs;
    this.fs = new MemoryFs(options.fsCapacityBytes ?? 512 * 1024 * 1024);
    this.gpus = this.buildGpus();
    this.workloads = new GpuWorkloads({ memoryTotalMiB: options.sku.memoryMiB, now: () => new Date(options.now()) });
    this.seedFileSystem();
    const runtime = this.runtime();
    this.runtimeForFiles = runtime;
    const programs = createPrograms(runtime);
    if (options.driverState === 'absent') programs.delete('nvidia-smi');
    programs.set('python', this.workloads.python);
    programs.set('python3', this.workloads.python);
    programs.set('kill', this.workloads.killProgram);
    programs.set('pkill', this.workloads.pkill);
    this.programs = programs;
    this.bench = new BenchEmulator({
      fs: this.fs,
      sku: options.sku,
      gpuCount: options.gpuCount,
      instanceId: options.instanceId,
      cpuCount: runtime.cpuCount,
      now: options.now,
      driver: () => this.driver(),
      runMs: options.benchmarkRunMs ?? 600,
    });
    this.ssh = new Server({ hostKeys: [options.hostKey], ident: 'OpenSSH_8.9p1 Ubuntu-3ubuntu0.10' }, (client) => this.onClient(client));
    this.tcp = net.createServer((socket) => this.onSocket(socket));
  }

  get port(): number | null {
    return this.listeningPort;
  }

  get users(): readonly string[] {
    return this.options.users;
  }

  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.tcp.once('error', reject);
      this.tcp.listen(0, '127.0.0.1', () => {
        this.tcp.off('error', reject);
        resolve();
      });
    });
    const address = this.tcp.address();
    if (!address || typeof address === 'string') throw new Error('fake node did not get a TCP port');
    this.listeningPort = address.port;
    return address.port;
  }

  /**
   * A boot hold released `delayMs` after the planned boot: sshd comes up that much later, and so
   * does everything planned from the boot on (keys not yet usable, the dpkg lock).
   */
  delayBoot(delayMs: number): void {
    if (delayMs <= 0) return;
    const bootAt = this.sshReadyAtMs;
    this.sshReadyAtMs += delayMs;
    if (this.upgradeUntilMs !== null) this.upgradeUntilMs += delayMs;
    for (const [user, grants] of this.grants) {
      this.grants.set(user, grants.map((g) => (g.activeAtMs >= bootAt ? { ...g, activeAtMs: g.activeAtMs + delayMs } : g)));
    }
  }

  /** Installs a public key for `user`, usable from `activeAtMs` on (vendor key propagation). */
  authorize(user: string, key: AuthorizedKey, activeAtMs: number): void {
    const grants = this.grants.get(user) ?? [];
    if (!grants.some((g) => g.key.blob.equals(key.blob))) grants.push({ key, activeAtMs });
    this.grants.set(user, grants);
  }

  /**
   * Runs a command line as `user` without SSH, the way an exec channel would (used by tests and
   * by anything that wants the node's view without a connection).
   */
  async exec(command: string, user = 'root', stdin = ''): Promise<ExecResult> {
    const controller = new AbortController();
    const vars = new Map([['USER', user], ['HOME', user === 'root' ? '/root' : `/home/${user}`]]);
    const result = await this.runCommandLine(this.newShell(user, vars, controller.signal), command, user, toBytes(stdin));
    return { stdout: fromBytes(result.stdout), stderr: fromBytes(result.stderr), code: result.code };
  }

  /**
   * Stops listening and ends every connection. `abrupt` (the instance was destroyed or vanished)
   * cuts sockets like a machine that disappears; `graceful` (reset, stop) sends SSH disconnects
   * first, so test clients without an error listener are not crashed by ECONNRESET.
   */
  async close(mode: 'abrupt' | 'graceful' = 'abrupt'): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closed = this.listeningPort === null ? Promise.resolve() : new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    if (mode === 'graceful' && this.clients.size > 0) {
      for (const client of this.clients) client.end();
      await new Promise((resolve) => setTimeout(resolve, GRACEFUL_CLOSE_MS));
    }
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.clients.clear();
    await closed;
  }

  private onSocket(socket: net.Socket): void {
    socket.setNoDelay(true);
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (!this.booted()) {
      // sshd is not up yet: the connection closes before any banner, like a booting VM.
      socket.destroy();
      return;
    }
    const scope = { vendor: this.options.vendor, instanceId: this.options.instanceId };
    const fault = this.options.faults.takeNodeFault(['ssh_refused', 'ssh_hang'], scope);
    if (fault?.kind === 'ssh_refused') {
      // A listening socket cannot refuse one connection, so it is reset before the banner.
      socket.resetAndDestroy();
      return;
    }
    if (fault?.kind === 'ssh_hang') return; // accepted, never greeted: the client's handshake times out
    this.ssh.injectSocket(socket);
  }

  private activeKeys(user: string): AuthorizedKey[] {
    if (!this.booted()) return [];
    const now = this.options.now();
    return (this.grants.get(user) ?? []).filter((g) => g.activeAtMs <= now).map((g) => g.key);
  }

  private booted(): boolean {
    return this.options.now() >= this.sshReadyAtMs && this.options.bootHeld?.() !== true;
  }

  private onClient(client: Connection): void {
    this.clients.add(client);
    client.on('close', () => this.clients.delete(client));
    client.on('error', () => undefined);
    let authFault: boolean | null = null;
    let username = '';
    client.on('authentication', (ctx) => {
      if (ctx.method !== 'publickey') {
        ctx.reject(['publickey']);
        return;
      }
      authFault ??= this.options.faults.takeNodeFault(['ssh_auth_fail'], { vendor: this.options.vendor, instanceId: this.options.instanceId }) !== null;
      const key = authFault ? undefined : this.activeKeys(ctx.username).find((k) => k.blob.equals(ctx.key.data));
      if (!key) {
        ctx.reject(['publickey']);
        return;
      }
      if (!ctx.signature || !ctx.blob) {
        // A key probe: say the key is acceptable so the client signs with it.
        ctx.accept();
        return;
      }
      if (!key.parsed.verify(ctx.blob, ctx.signature, ctx.hashAlgo)) {
        ctx.reject(['publickey']);
        return;
      }
      username = ctx.username;
      ctx.accept();
    });
    client.on('ready', () => {
      client.on('session', (acceptSession) => {
        const session = acceptSession();
        const vars = new Map<string, string>([
          ['HOME', username === 'root' ? '/root' : `/home/${username}`],
          ['USER', username],
          ['LOGNAME', username],
          ['SHELL', '/bin/bash'],
          ['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
        ]);
        let pty = false;
        const controllers = new Set<AbortController>();
        session.on('env', (accept, _reject, info) => {
          vars.set(info.key, info.val);
          accept?.();
        });
        session.on('pty', (accept) => {
          pty = true;
          accept?.();
        });
        session.on('window-change', (accept) => accept?.());
        session.on('signal', (accept) => {
          for (const controller of controllers) controller.abort();
          accept?.();
        });
        session.on('exec', (accept, _reject, info) => {
          const channel = accept();
          const controller = new AbortController();
          controllers.add(controller);
          this.runExec(channel, info.command, username, vars, controller, pty)
            .catch(() => channel.close())
            .finally(() => controllers.delete(controller));
        });
        session.on('shell', (accept) => {
          const channel = accept();
          const controller = new AbortController();
          controllers.add(controller);
          this.runInteractive(channel, username, vars, controller, pty);
        });
        session.on('sftp', (accept) => {
          const sftp = accept();
          serveSftp(sftp, this.fs, username);
        });
      });
      client.on('request', (accept, reject) => reject?.());
    });
  }

  private newShell(user: string, vars: Map<string, string>, signal: AbortSignal): ShellSession {
    const env: ShellEnvironment = { programs: this.programs, files: shellFileAccess(this.fs, this.runtimeForFiles), backgroundPrograms: GPU_PROGRAMS };
    const home = user === 'root' ? '/root' : `/home/${user}`;
    return new ShellSession(env, user, this.fs.stat(home)?.kind === 'dir' ? home : '/', new Map(vars), signal);
  }

  private async runExec(channel: ServerChannel, command: string, user: string, vars: Map<string, string>, controller: AbortController, pty: boolean): Promise<void> {
    let open = true;
    channel.on('close', () => {
      open = false;
      controller.abort();
    });
    channel.on('error', () => undefined);
    let stdin = '';
    if (readsStdin(command)) {
      stdin = await new Promise<string>((resolve) => {
        let data = '';
        channel.on('data', (chunk: Buffer) => (data += chunk.toString('latin1')));
        channel.once('end', () => resolve(data));
        channel.once('close', () => resolve(data));
      });
    } else {
      channel.on('data', () => undefined);
    }
    const result = await this.runCommandLine(this.newShell(user, vars, controller.signal), command, user, stdin);
    if (!open) return;
    const fix = (text: string): Buffer => Buffer.from(pty ? text.replace(/\r?\n/g, '\r\n') : text, 'latin1');
    if (result.stdout) channel.write(fix(result.stdout));
    if (result.stderr) channel.stderr.write(fix(result.stderr));
    channel.exit(result.code);
    channel.end();
  }

  /**
   * Runs an exec request. The benchmark runner's start and poll lines are answered by the script
   * emulation; lines before them (e.g. the SSH client's PID-marker prefix) still run in the shell,
   * and their output comes first, as it would from one bash.
   */
  private async runCommandLine(shell: ShellSession, command: string, user: string, stdin: string): Promise<ExecResult> {
    const lines = command.split('\n');
    const last = lines.pop() ?? '';
    const emulated = this.bench.handle(last, user);
    if (!emulated) return shell.run(toBytes(command), stdin);
    const prefix = lines.some((l) => l.trim() !== '') ? await shell.run(toBytes(lines.join('\n')), '') : { stdout: '', stderr: '', code: 0 };
    return { stdout: prefix.stdout + toBytes(emulated.stdout), stderr: prefix.stderr + toBytes(emulated.stderr), code: emulated.code };
  }

  /** A line-at-a-time login shell for `ssh host` without a command. */
  private runInteractive(channel: ServerChannel, user: string, vars: Map<string, string>, controller: AbortController, pty: boolean): void {
    const shell = this.newShell(user, vars, controller.signal);
    const fix = (text: string): Buffer => Buffer.from(pty ? text.replace(/\r?\n/g, '\r\n') : text, 'latin1');
    const prompt = (): string => `${user}@${this.options.hostname}:${shell.cwd === shell.home ? '~' : shell.cwd}${user === 'root' ? '#' : '$'} `;
    let buffer = '';
    let running = Promise.resolve();
    channel.on('close', () => controller.abort());
    channel.on('error', () => undefined);
    channel.write(Buffer.concat([fix('Welcome to Ubuntu 22.04.5 LTS (GNU/Linux 5.15.0-122-generic x86_64)\n\n'), fix(prompt())]));
    channel.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      if (pty) channel.write(fix(text.replace(/\r/g, '\n')));
      buffer += text.replace(/\r\n?/g, '\n');
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
        running = running.then(async () => {
          if (shell.exited) return;
          const result = await shell.run(line);
          channel.write(fix(result.stdout));
          channel.stderr.write(fix(result.stderr));
          if (shell.exited) {
            channel.exit(result.code);
            channel.end();
          } else {
            channel.write(fix(prompt()));
          }
        });
      }
    });
  }

  private buildGpus(): GpuDevice[] {
    const { sku, gpuCount, rng } = this.options;
    const gpus: GpuDevice[] = [];
    for (let index = 0; index < gpuCount; index++) {
      gpus.push({
        index,
        name: sku.smiName,
        memoryTotalMiB: sku.memoryMiB,
        memoryUsedMiB: sku.hasFan ? 1 : 0,
        uuid: `GPU-${rng.uuid()}`,
        busId: BUS_IDS[index % BUS_IDS.length] ?? '00000000:01:00.0',
        temperatureC: rng.int(28, 41),
        powerDrawW: Number((sku.idlePowerW * rng.range(0.9, 1.1)).toFixed(2)),
        powerLimitW: sku.powerLimitW,
        computeCap: sku.computeCap,
        fanPercent: sku.hasFan ? 30 : null,
        utilizationPercent: 0,
        vbiosVersion: '95.02.3C.40.A5',
      });
    }
    return gpus;
  }

  /** The GPUs as they are now: a running GPU process shows as load, memory and power. */
  private gpuState(): readonly GpuDevice[] {
    if (!this.workloads.busy()) return this.gpus;
    const used = this.workloads.usedMemoryMiB();
    return this.gpus.map((gpu) => ({
      ...gpu,
      utilizationPercent: BUSY_UTILIZATION_PERCENT,
      memoryUsedMiB: Math.min(gpu.memoryTotalMiB, gpu.memoryUsedMiB + used),
      powerDrawW: Number((gpu.powerLimitW * 0.9).toFixed(2)),
      temperatureC: Math.max(gpu.temperatureC, 64),
    }));
  }

  private computeApps(): GpuComputeApp[] {
    return this.workloads.list().map((p) => ({ pid: p.pid, name: p.name, usedMemoryMiB: p.usedMemoryMiB }));
  }

  private driver(): DriverStack {
    const { driverAfterUpgrade, driver, now } = this.options;
    const upgradeUntilMs = this.upgradeUntilMs;
    return driverAfterUpgrade && upgradeUntilMs !== null && now() >= upgradeUntilMs ? driverAfterUpgrade : driver;
  }

  private upgrading(): boolean {
    return this.upgradeUntilMs !== null && this.options.now() < this.upgradeUntilMs;
  }

  private runtime(): NodeRuntime {
    const options = this.options;
    const scope = { vendor: options.vendor, instanceId: options.instanceId };
    const upgradeProcesses: NodeProcess[] = [
      { pid: 1042, user: 'root', name: 'apt-get', command: '/usr/bin/apt-get -y -o Dpkg::Options::=--force-confold dist-upgrade' },
      { pid: 1187, user: 'root', name: 'dpkg', command: '/usr/bin/dpkg --status-fd 35 --configure --pending' },
      { pid: 1201, user: 'root', name: 'dkms', command: '/bin/bash /usr/sbin/dkms autoinstall --kernelver 5.15.0-122-generic' },
    ];
    return {
      hostname: options.hostname,
      kernelRelease: '5.15.0-122-generic',
      cpuCount: Math.max(4, 8 * options.gpuCount),
      fs: this.fs,
      bootedAt: () => new Date(this.sshReadyAtMs - 15_000),
      now: () => new Date(options.now()),
      driverVersion: () => this.driver().driverVersion,
      nvidiaState: (): NvidiaSmiState => {
        const fault = options.faults.takeNodeFault(['nvidia_smi_fail'], scope);
        // The DKMS rebuild leaves the new library loaded against the old module until it finishes.
        let failure: NvidiaFailure | null = fault ? (fault.mode ?? 'no_driver') : null;
        if (!failure && options.driverState === 'broken') failure = 'no_driver';
        if (!failure && this.upgrading() && options.driverAfterUpgrade) failure = 'nvml_mismatch';
        return { gpus: this.gpuState(), computeApps: this.computeApps(), ...this.driver(), failure, now: new Date(options.now()) };
      },
      dpkgLockHolder: () => {
        if (this.upgrading()) return upgradeProcesses[0] ?? null;
        const fault = options.faults.takeNodeFault(['dpkg_locked'], scope);
        return fault ? { pid: 2377, user: 'root', name: 'unattended-upgr', command: '/usr/bin/python3 /usr/bin/unattended-upgrade' } : null;
      },
      processes: () => [
        { pid: 1, user: 'root', name: 'systemd', command: '/sbin/init' },
        { pid: 612, user: 'root', name: 'sshd', command: 'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups' },
        { pid: 701, user: 'root', name: 'nvidia-persiste', command: '/usr/bin/nvidia-persistenced --user nvidia-persistenced --no-persistence-mode' },
        ...(this.upgrading() ? upgradeProcesses : []),
        ...this.workloads.list().map((p) => ({ pid: p.pid, user: p.user, name: p.name, command: p.command })),
      ],
      oomKills: () => {
        const fault = options.faults.takeNodeFault(['oom'], scope);
        return fault ? (fault.processes ?? ['ollama']) : null;
      },
      mounts: () => {
        const full = options.faults.takeNodeFault(['disk_full'], scope) !== null;
        return options.mounts.map((m) => (full && m.target === '/' ? { ...m, usedKiB: m.sizeKiB } : m));
      },
      users: () => ['root', ...options.users.filter((u) => u !== 'root')],
    };
  }

  private seedFileSystem(): void {
    const fs = this.fs;
    const { users, hostname } = this.options;
    for (const dir of ['/etc', '/home', '/tmp', '/var/tmp', '/var/lib/dpkg', '/var/lib/apt/lists', '/var/cache/apt/archives', '/var/log', '/dev/shm', '/proc/driver/nvidia', '/usr/bin']) {
      fs.mkdir(dir, { recursive: true });
    }
    const tmp = fs.stat('/tmp');
    if (tmp) tmp.mode = 0o1777;
    fs.mkdir('/root', { mode: 0o700 });
    for (const user of users) {
      if (user !== 'root') fs.mkdir(`/home/${user}`, { ...owner(user), mode: 0o750 });
    }
    if (this.options.vendor === 'vastai') fs.mkdir('/workspace', { mode: 0o755 });
    for (const lock of ['/var/lib/dpkg/lock-frontend', '/var/lib/dpkg/lock', '/var/lib/apt/lists/lock', '/var/cache/apt/archives/lock']) {
      fs.writeFile(lock, Buffer.alloc(0), { mode: 0o640 });
    }
    fs.writeFile('/etc/hostname', Buffer.from(`${hostname}\n`));
    fs.writeFile(
      '/etc/os-release',
      Buffer.from('PRETTY_NAME="Ubuntu 22.04.5 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION="22.04.5 LTS (Jammy Jellyfish)"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\n'),
    );
    fs.writeFile('/proc/driver/nvidia/version', Buffer.from(`NVRM version: NVIDIA UNIX x86_64 Kernel Module  ${this.options.driver.driverVersion}  Release Build\n`));
  }
}
