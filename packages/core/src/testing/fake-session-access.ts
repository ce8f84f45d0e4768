import { Err, Ok, type Result } from '../errors/result.js';
import { RemoteExecError, type RemoteTarget } from '../ports/remote-exec.js';
import { type NodeReadiness, type NodeReadinessProbe, type SecretCipher, type SshKeyGenerator, type SshKeyPair } from '../ports/session-access.js';

/** Deterministic, distinct key pairs (not real keys: nothing connects with them). */
export class FakeKeyGenerator implements SshKeyGenerator {
  private counter = 0;

  async generate(): Promise<SshKeyPair> {
    this.counter++;
    return {
      publicKey: `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFAKE${this.counter.toString().padStart(4, '0')} gpu-shopper`,
      privateKey: `-----BEGIN OPENSSH PRIVATE KEY-----\nFAKE-PRIVATE-${this.counter}\n-----END OPENSSH PRIVATE KEY-----\n`,
    };
  }
}

/** Reversible but visibly not plaintext, so tests can check that stored secrets are not the key itself. */
export const fakeSecretCipher: SecretCipher = {
  encrypt: (plaintext) => `enc:${Buffer.from(plaintext, 'utf8').toString('base64')}`,
  decrypt: (ciphertext) => {
    if (!ciphertext.startsWith('enc:')) throw new Error('not a fake ciphertext');
    return Buffer.from(ciphertext.slice(4), 'base64').toString('utf8');
  },
};

export type FakeReadinessStep = NodeReadiness | 'refused' | 'auth' | 'timeout';

/**
 * A readiness probe that answers from a script (the last step repeats), recording each target it
 * was asked about. The default answers "ready" every time.
 */
export class FakeReadinessProbe implements NodeReadinessProbe {
  readonly checks: RemoteTarget[] = [];
  private steps: FakeReadinessStep[];

  constructor(steps: FakeReadinessStep[] = [{ ready: true, reason: 'ready', hostKeyFingerprint: 'SHA256:fakehostkey' }]) {
    this.steps = [...steps];
  }

  script(...steps: FakeReadinessStep[]): void {
    this.steps = [...steps];
  }

  async check(target: RemoteTarget): Promise<Result<NodeReadiness, RemoteExecError>> {
    this.checks.push(target);
    const step = this.steps.length > 1 ? this.steps.shift() : this.steps[0];
    if (step === undefined) return Ok({ ready: true, reason: 'ready', hostKeyFingerprint: null });
    if (typeof step === 'string') return Err(new RemoteExecError(step, target, `fake ${step}`));
    return Ok(step);
  }
}
