import { type ExecResult } from './shell.js';

export interface GpuDevice {
  readonly index: number;
  readonly name: string;
  readonly memoryTotalMiB: number;
  readonly memoryUsedMiB: number;
  readonly uuid: string;
  readonly busId: string;
  readonly temperatureC: number;
  readonly powerDrawW: number;
  readonly powerLimitW: number;
  readonly computeCap: string;
  /** Passive datacenter cards have no fan: nvidia-smi prints N/A. */
  readonly fanPercent: number | null;
  readonly utilizationPercent: number;
  readonly vbiosVersion: string;
}

export type NvidiaFailure = 'no_driver' | 'nvml_mismatch' | 'no_devices';

/** A process holding GPU memory (every GPU of the node), as `--query-compute-apps` lists it. */
export interface GpuComputeApp {
  readonly pid: number;
  readonly name: string;
  readonly usedMemoryMiB: number;
}

export interface NvidiaSmiState {
  readonly gpus: readonly GpuDevice[];
  /** Compute processes on the GPUs (none when absent). */
  readonly computeApps?: readonly GpuComputeApp[];
  readonly driverVersion: string;
  readonly cudaVersion: string;
  readonly failure: NvidiaFailure | null;
  readonly now: Date;
}

/**
 * The failure forms. nvidia-smi prints them on stdout, not stderr, with these exit codes (infra.md
 * finding 1): a probe that discards stderr and greps for letters would misread them as healthy.
 */
const FAILURES: Readonly<Record<NvidiaFailure, ExecResult>> = {
  no_driver: {
    stdout: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver. Make sure that the latest NVIDIA driver is installed and running.\n\n",
    stderr: '',
    code: 9,
  },
  nvml_mismatch: { stdout: 'Failed to initialize NVML: Driver/library version mismatch\n', stderr: '', code: 18 },
  no_devices: { stdout: 'No devices were found\n', stderr: '', code: 6 },
};

interface QueryField {
  /** Header text with `--format=csv` (units in brackets where nvidia-smi prints them). */
  readonly header: string;
  readonly value: (gpu: GpuDevice, state: NvidiaSmiState, count: number) => string;
  /** Unit suffix appended to the value unless `nounits`. */
  readonly unit?: string;
}

const MIB = ' MiB';
const QUERY_FIELDS: Readonly<Record<string, QueryField>> = {
  index: { header: 'index', value: (g) => String(g.index) },
  count: { header: 'count', value: (_g, _s, n) => String(n) },
  name: { header: 'name', value: (g) => g.name },
  gpu_name: { header: 'name', value: (g) => g.name },
  uuid: { header: 'uuid', value: (g) => g.uuid },
  gpu_uuid: { header: 'uuid', value: (g) => g.uuid },
  'pci.bus_id': { header: 'pci.bus_id', value: (g) => g.busId },
  gpu_bus_id: { header: 'pci.bus_id', value: (g) => g.busId },
  driver_version: { header: 'driver_version', value: (_g, s) => s.driverVersion },
  vbios_version: { header: 'vbios_version', value: (g) => g.vbiosVersion },
  compute_cap: { header: 'compute_cap', value: (g) => g.computeCap },
  persistence_mode: { header: 'persistence_mode', value: () => 'Enabled' },
  pstate: { header: 'pstate', value: (g) => (g.utilizationPercent > 0 ? 'P2' : 'P8') },
  'memory.total': { header: 'memory.total [MiB]', value: (g) => String(g.memoryTotalMiB), unit: MIB },
  'memory.used': { header: 'memory.used [MiB]', value: (g) => String(g.memoryUsedMiB), unit: MIB },
  'memory.free': { header: 'memory.free [MiB]', value: (g) => String(g.memoryTotalMiB - g.memoryUsedMiB), unit: MIB },
  'memory.reserved': { header: 'memory.reserved [MiB]', value: () => '0', unit: MIB },
  'utilization.gpu': { header: 'utilization.gpu [%]', value: (g) => String(g.utilizationPercent), unit: ' %' },
  'utilization.memory': { header: 'utilization.memory [%]', value: () => '0', unit: ' %' },
  'temperature.gpu': { header: 'temperature.gpu', value: (g) => String(g.temperatureC) },
  'fan.speed': { header: 'fan.speed [%]', value: (g) => (g.fanPercent === null ? '[N/A]' : String(g.fanPercent)), unit: ' %' },
  'power.draw': { header: 'power.draw [W]', value: (g) => g.powerDrawW.toFixed(2), unit: ' W' },
  'power.limit': { header: 'power.limit [W]', value: (g) => g.powerLimitW.toFixed(2), unit: ' W' },
  'power.max_limit': { header: 'power.max_limit [W]', value: (g) => g.powerLimitW.toFixed(2), unit: ' W' },
  'clocks.sm': { header: 'clocks.current.sm [MHz]', value: () => '210', unit: ' MHz' },
  'clocks.max.sm': { header: 'clocks.max.sm [MHz]', value: () => '2520', unit: ' MHz' },
};

interface AppField {
  readonly header: string;
  readonly value: (app: GpuComputeApp, gpu: GpuDevice) => string;
  readonly unit?: string;
}

/** `--query-compute-apps` fields (nvidia-smi --help-query-compute-apps). */
const APP_FIELDS: Readonly<Record<string, AppField>> = {
  timestamp: { header: 'timestamp', value: () => '' },
  gpu_name: { header: 'gpu_name', value: (_a, g) => g.name },
  gpu_bus_id: { header: 'gpu_bus_id', value: (_a, g) => g.busId },
  gpu_serial: { header: 'gpu_serial', value: () => '[N/A]' },
  gpu_uuid: { header: 'gpu_uuid', value: (_a, g) => g.uuid },
  pid: { header: 'pid', value: (a) => String(a.pid) },
  process_name: { header: 'process_name', value: (a) => a.name },
  name: { header: 'process_name', value: (a) => a.name },
  used_gpu_memory: { header: 'used_gpu_memory [MiB]', value: (a) => String(a.usedMemoryMiB), unit: MIB },
  used_memory: { header: 'used_gpu_memory [MiB]', value: (a) => String(a.usedMemoryMiB), unit: MIB },
};

const INVALID_ARGS: ExecResult = { stdout: "Invalid combination of input arguments. Please run 'nvidia-smi -h' for help.\n\n", stderr: '', code: 2 };

/** Runs `nvidia-smi` with the given arguments (without the program name). */
export function runNvidiaSmi(args: readonly string[], state: NvidiaSmiState): ExecResult {
  if (state.failure) return FAILURES[state.failure];
  if (state.gpus.length === 0) return FAILURES.no_devices;
  let query: string | null = null;
  let appsQuery: string | null = null;
  let format: string | null = null;
  let list = false;
  let ids: number[] | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string | undefined => inline ?? args[++i];
    if (flag === '--query-gpu') query = value() ?? '';
    else if (flag === '--query-compute-apps') appsQuery = value() ?? '';
    else if (flag === '--format') format = value() ?? '';
    else if (flag === '-L' || flag === '--list-gpus') list = true;
    else if (flag === '-i' || flag === '--id') ids = (value() ?? '').split(',').map((v) => Number.parseInt(v, 10));
    else if (flag === '-h' || flag === '--help') return { stdout: 'NVIDIA System Management Interface -- v' + state.driverVersion + '\n', stderr: '', code: 0 };
    else return INVALID_ARGS;
  }
  const gpus = ids ? state.gpus.filter((g) => ids?.includes(g.index)) : state.gpus;
  if (ids && gpus.length === 0) return { stdout: 'No devices were found\n', stderr: '', code: 6 };
  if (list) return { stdout: gpus.map((g) => `GPU ${g.index}: ${g.name} (UUID: ${g.uuid})\n`).join(''), stderr: '', code: 0 };
  if (query !== null && appsQuery !== null) return INVALID_ARGS;
  if (query !== null) return runQuery(query, format, gpus, state);
  if (appsQuery !== null) return runAppsQuery(appsQuery, format, gpus, state);
  if (format !== null) return INVALID_ARGS;
  return { stdout: banner(gpus, state), stderr: '', code: 0 };
}

function runQuery(query: string, format: string | null, gpus: readonly GpuDevice[], state: NvidiaSmiState): ExecResult {
  if (format === null) return INVALID_ARGS;
  const formatOptions = format.split(',').map((f) => f.trim());
  if (formatOptions[0] !== 'csv' || formatOptions.slice(1).some((o) => o !== 'noheader' && o !== 'nounits')) {
    return { stdout: `"${format}" is not a valid format.\n`, stderr: '', code: 2 };
  }
  const noheader = formatOptions.includes('noheader');
  const nounits = formatOptions.includes('nounits');
  const names = query.split(',').map((f) => f.trim());
  const fields: QueryField[] = [];
  for (const name of names) {
    const field = QUERY_FIELDS[name];
    if (!field) return { stdout: `Field "${name}" is not a valid field to query.\n\n`, stderr: '', code: 2 };
    fields.push(field);
  }
  const lines: string[] = [];
  if (!noheader) lines.push(fields.map((f) => (nounits ? f.header.replace(/ \[[^\]]+\]$/, '') : f.header)).join(', '));
  for (const gpu of gpus) {
    lines.push(
      fields
        .map((f) => {
          const value = f.value(gpu, state, gpus.length);
          return nounits || !f.unit || value.startsWith('[') ? value : value + f.unit;
        })
        .join(', '),
    );
  }
  return { stdout: `${lines.join('\n')}\n`, stderr: '', code: 0 };
}

/** `--query-compute-apps`: one line per process and GPU; nothing (or only the header) when none runs. */
function runAppsQuery(query: string, format: string | null, gpus: readonly GpuDevice[], state: NvidiaSmiState): ExecResult {
  if (format === null) return INVALID_ARGS;
  const formatOptions = format.split(',').map((f) => f.trim());
  if (formatOptions[0] !== 'csv' || formatOptions.slice(1).some((o) => o !== 'noheader' && o !== 'nounits')) {
    return { stdout: `"${format}" is not a valid format.\n`, stderr: '', code: 2 };
  }
  const nounits = formatOptions.includes('nounits');
  const fields: AppField[] = [];
  for (const name of query.split(',').map((f) => f.trim())) {
    const field = APP_FIELDS[name];
    if (!field) return { stdout: `Field "${name}" is not a valid field to query.\n\n`, stderr: '', code: 2 };
    fields.push(field);
  }
  const lines: string[] = [];
  if (!formatOptions.includes('noheader')) lines.push(fields.map((f) => (nounits ? f.header.replace(/ \[[^\]]+\]$/, '') : f.header)).join(', '));
  for (const gpu of gpus) {
    for (const app of state.computeApps ?? []) {
      lines.push(fields.map((f) => {
        const value = f.value(app, gpu);
        return nounits || !f.unit ? value : value + f.unit;
      }).join(', '));
    }
  }
  return { stdout: lines.length > 0 ? `${lines.join('\n')}\n` : '', stderr: '', code: 0 };
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Sat Feb  7 14:02:11 2026`, the C `asctime` shape nvidia-smi and `dmesg -T` print. */
export function asctime(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[date.getUTCDay()] ?? ''} ${MONTHS[date.getUTCMonth()] ?? ''} ${String(date.getUTCDate()).padStart(2, ' ')} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} ${date.getUTCFullYear()}`;
}

/** The default table, laid out like driver 550+ (91 columns), parseable for driver and CUDA versions. */
function banner(gpus: readonly GpuDevice[], state: NvidiaSmiState): string {
  const width = 89;
  const rule = `+${'-'.repeat(width)}+`;
  const cells = (a: string, b: string, c: string): string => `|${a.padEnd(41).slice(0, 41)}|${b.padEnd(24).slice(0, 24)}|${c.padEnd(22).slice(0, 22)}|`;
  const split = `|${'-'.repeat(41)}+${'-'.repeat(24)}+${'-'.repeat(22)}|`;
  const out: string[] = [];
  out.push(`${asctime(state.now)}       `);
  out.push(rule);
  const head = ` NVIDIA-SMI ${state.driverVersion.padEnd(22)}Driver Version: ${state.driverVersion.padEnd(15)}CUDA Version: ${state.cudaVersion}`;
  out.push(`|${head.padEnd(width)}|`);
  out.push(split);
  out.push(cells(' GPU  Name                 Persistence-M ', ' Bus-Id          Disp.A ', ' Volatile Uncorr. ECC '));
  out.push(cells(' Fan  Temp   Perf          Pwr:Usage/Cap ', '           Memory-Usage ', ' GPU-Util  Compute M. '));
  out.push(cells('                                         ', '                        ', '               MIG M. '));
  out.push(`|${'='.repeat(41)}+${'='.repeat(24)}+${'='.repeat(22)}|`);
  for (const [i, gpu] of gpus.entries()) {
    const name = gpu.name.length > 25 ? `${gpu.name.slice(0, 22)}...` : gpu.name;
    out.push(cells(`${String(gpu.index).padStart(4)}  ${name.padEnd(25)}     On  `, `   ${gpu.busId.slice(-16)} Off `, `${(gpu.fanPercent === null ? '0' : 'N/A').padStart(21)} `));
    const fan = gpu.fanPercent === null ? 'N/A' : `${gpu.fanPercent}%`;
    const perf = gpu.utilizationPercent > 0 ? 'P2' : 'P8';
    const power = `${Math.round(gpu.powerDrawW)}W / ${String(Math.round(gpu.powerLimitW)).padStart(4)}W`;
    out.push(cells(`${fan.padStart(4)}   ${String(gpu.temperatureC).padStart(2)}C    ${perf}${power.padStart(25)} `, `${`${gpu.memoryUsedMiB}MiB / ${gpu.memoryTotalMiB}MiB`.padStart(23)} `, `${`${gpu.utilizationPercent}%`.padStart(9)}      Default `));
    out.push(cells('', '', `${(gpu.fanPercent === null ? 'Disabled' : 'N/A').padStart(21)} `));
    out.push(i === gpus.length - 1 ? `+${'-'.repeat(41)}+${'-'.repeat(24)}+${'-'.repeat(22)}+` : split);
  }
  out.push(' '.repeat(width + 2));
  out.push(rule);
  out.push(`|${' Processes:'.padEnd(width)}|`);
  out.push(`|${'  GPU   GI   CI              PID   Type   Process name                        GPU Memory '.padEnd(width)}|`);
  out.push(`|${'        ID   ID                                                               Usage      '.padEnd(width)}|`);
  out.push(`|${'='.repeat(width)}|`);
  const apps = state.computeApps ?? [];
  if (apps.length === 0) out.push(`|${'  No running processes found'.padEnd(width)}|`);
  for (const gpu of gpus) {
    for (const app of apps) {
      out.push(`|${`  ${String(gpu.index).padStart(3)}   N/A  N/A  ${String(app.pid).padStart(10)}      C   ${app.name.padEnd(36)}${`${app.usedMemoryMiB}MiB`.padStart(10)} `.padEnd(width)}|`);
    }
  }
  out.push(rule);
  return `${out.join('\n')}\n`;
}
