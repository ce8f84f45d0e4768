import { startRealSshd, type RealSshd } from '@gpu-shopper/ssh/testing';

/**
 * The ssh package's OpenSSH sshd fixture for figure 5: its own config, host key and authorized_keys
 * in a temp dir, nothing under /etc/ssh touched, and the fake GPU tools first on PATH so the
 * readiness probe's GPU command succeeds as on a healthy node.
 */
export function startSshd(port: number, authorizedKey: string): Promise<RealSshd> {
  return startRealSshd({ port, authorizedKeys: [authorizedKey] });
}
