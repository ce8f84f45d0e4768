/** The simulator's control API over HTTP (ground truth and faults), as any operator would reach it. */
export interface SimulatedInstance {
  readonly vendor: string;
  readonly id: string;
  readonly label: string;
  readonly state: string;
  readonly runningAt: string | null;
  readonly destroyRequests: number;
  readonly costMicroUsd: number;
  readonly createOutcome: string;
}

export class SimulatorControlClient {
  constructor(readonly url: string) {}

  async instances(): Promise<SimulatedInstance[]> {
    const res = await fetch(`${this.url}/_sim/instances`);
    return ((await res.json()) as { instances: SimulatedInstance[] }).instances;
  }

  /**
   * The instances labelled for `sessionId`: our label is `gpushop-<deployment>-<session>`, and Blue
   * Lobster names drop the `dep_`/`ses_` prefixes (`gpushop-<A>-<B>`), so match on the id's body.
   */
  async instancesOf(sessionId: string): Promise<SimulatedInstance[]> {
    const body = sessionId.replace(/^ses_/, '');
    return (await this.instances()).filter((i) => i.label.endsWith(`-${sessionId}`) || i.label.endsWith(`-${body}`));
  }

  async injectFault(fault: Record<string, unknown>): Promise<{ id: string }> {
    const res = await fetch(`${this.url}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
    if (res.status !== 201) throw new Error(`fault refused (${res.status}): ${await res.text()}`);
    return (await res.json()) as { id: string };
  }

  async clearFaults(): Promise<void> {
    await fetch(`${this.url}/_sim/faults`, { method: 'DELETE' });
  }
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
