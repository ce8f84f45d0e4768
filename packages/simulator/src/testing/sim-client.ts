/**
 * Helpers for this package's tests: vendor requests with the vendor's auth, polling and SSH.
 * (Not compiled into the package; the test simulator itself is in the ./testing entry.)
 */
import { NodeSSH } from 'node-ssh';

import { type VendorName } from '../model.js';
import { type RunningSimulator } from '../simulator.js';

export interface VendorResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed JSON, or undefined when the body is not JSON. */
  readonly body: unknown;
}

/** Sends a request the way the vendor's contract says to authenticate it. */
export async function vendorRequest(
  sim: RunningSimulator,
  vendor: VendorName,
  method: string,
  path: string,
  options: { body?: unknown; auth?: boolean; signal?: AbortSignal; query?: Record<string, string> } = {},
): Promise<VendorResponse> {
  const url = new URL(`${sim.urls[vendor]}${path}`);
  for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.auth !== false) {
    if (vendor === 'vastai') headers.Authorization = 'Bearer 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
    else if (vendor === 'bluelobster') headers['X-API-Key'] = 'bl-test-key';
    else if (path.startsWith('/locations')) {
      url.searchParams.set('api_key', 'td-auth-id');
      url.searchParams.set('api_token', 'td-token');
    } else headers.Authorization = 'Bearer td-token';
  }
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const init: RequestInit = { method, headers };
  if (options.body !== undefined) init.body = JSON.stringify(options.body);
  if (options.signal) init.signal = options.signal;
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

/** Polls until `probe` gives a value. The timeout is only a ceiling for a state that never comes: generous, because a loaded machine is slow. */
export async function waitFor<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 20_000, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export async function connectSsh(host: string, port: number, username: string, privateKey: string): Promise<NodeSSH> {
  const ssh = new NodeSSH();
  try {
    await ssh.connect({ host, port, username, privateKey, readyTimeout: 3000 });
  } catch (err) {
    ssh.dispose();
    throw err;
  }
  // node-ssh drops its error listener once connected; a node that vanishes would otherwise crash the test process.
  ssh.connection?.on('error', () => undefined);
  ssh.connection?.setNoDelay(true);
  return ssh;
}

/** The TensorDock cloud-init the contract describes (key for root and `user`, driver repair). */
export function tensorDockRuncmd(publicKey: string): string[] {
  const quoted = publicKey.replace(/'/g, "'\\''");
  return [
    'mkdir -p /root/.ssh',
    'chmod 700 /root/.ssh',
    `echo '${quoted}' > /root/.ssh/authorized_keys`,
    'chmod 600 /root/.ssh/authorized_keys',
    'chown root:root /root/.ssh/authorized_keys',
    'mkdir -p /home/user/.ssh',
    'chmod 700 /home/user/.ssh',
    'chown user:user /home/user/.ssh',
    `echo '${quoted}' > /home/user/.ssh/authorized_keys`,
    'chmod 600 /home/user/.ssh/authorized_keys',
    'chown user:user /home/user/.ssh/authorized_keys',
    'systemctl stop unattended-upgrades; pkill -f unattended-upgrade || true',
    'while fuser /var/lib/dpkg/lock-frontend >/dev/null 2>&1; do sleep 2; done',
    'DEBIAN_FRONTEND=noninteractive dpkg --configure -a',
    'nvidia-smi || apt-get install -y -o DPkg::Lock::Timeout=120 nvidia-driver-550',
    'modprobe nvidia',
  ];
}
