import { SessionTerminalError } from '@gpu-shopper/client';
import { Flags } from '@oclif/core';

import { BaseCommand } from '../base-command.js';
import { usdFlag } from '../flags.js';
import {
  ON_PREEMPT,
  STORAGE_POLICIES,
  WORKLOADS,
  checkKeyPath,
  createSession,
  dryRun,
  renderDryRun,
  renderProvisioned,
  resolveKeyPath,
  saveKey,
  type ProvisionOptions,
} from '../services/provision.js';

const WAIT_POLL_MS = 2000;

export default class Provision extends BaseCommand<typeof Provision> {
  static override summary = 'Provisions a new GPU session and hands over its SSH access.';
  static override description =
    'Rents the offer given with --offer, or the cheapest available offer of the GPU type given with --gpu, and prints the session, ' +
    'its SSH endpoint and its private key (shown only once: use --save-key to write it to a file with mode 0600). ' +
    'The session starts out pending/provisioning; --wait follows it until it is running (progress on stderr). ' +
    '--dry-run prints the chosen offer and the worst-case cost (price × hours) without renting anything. ' +
    'With -o json the answer is {"session": {...}, "offer": {...}, "ssh_private_key": "...", "replayed": false}.';

  static override examples = [
    { description: 'Provision the cheapest RTX 4090 for 4 hours', command: '<%= config.bin %> <%= command.id %> -c my-llm-service -g RTX4090 -t 4' },
    {
      description: 'Provision a specific offer and save the key',
      command: '<%= config.bin %> <%= command.id %> -c training-job -i tensordock-789 -t 8 -w training --save-key ~/.ssh/session_key',
    },
    { description: 'Provision for vLLM inference with a 30-minute idle timeout', command: '<%= config.bin %> <%= command.id %> -c vllm-api -g A100 -w llm_vllm -t 6 --idle-timeout 30' },
    { description: 'See what would be rented, and the most it can cost', command: '<%= config.bin %> <%= command.id %> -c my-app -g RTX4090 -t 2 --dry-run' },
    {
      description: 'Rent an interruptible (spot) RTX 4090 bidding at most $0.30/h, moving to another host when outbid',
      command: '<%= config.bin %> <%= command.id %> -c batch-job -g RTX4090 -t 4 --spot --max-bid 0.30 --on-preempt reprovision',
    },
    {
      description: 'Provision, wait until running, and capture the session id',
      command: "SESSION_ID=$(<%= config.bin %> <%= command.id %> -c batch-job -g RTX4090 -t 2 --wait -o json | jq -r '.session.id')",
    },
  ];

  static override flags = {
    consumer: Flags.string({ char: 'c', aliases: ['consumer-id'], description: 'Consumer ID - identifies your application (also --consumer-id)', required: true }),
    offer: Flags.string({ char: 'i', aliases: ['offer-id'], description: 'Specific offer ID to provision (also --offer-id)', exactlyOne: ['offer', 'gpu'] }),
    gpu: Flags.string({
      char: 'g',
      aliases: ['gpu-type'],
      description: 'GPU type to auto-select the cheapest offer (e.g. "RTX4090", "RTX 4090", "A100"; also --gpu-type)',
      exactlyOne: ['offer', 'gpu'],
    }),
    workload: Flags.option({ char: 'w', aliases: ['workload-type'], description: 'Workload type (also --workload-type)', options: WORKLOADS, default: 'llm' as const })(),
    hours: Flags.integer({ char: 't', description: 'Reservation hours, 1-12', min: 1, max: 12, default: 2 }),
    'idle-timeout': Flags.integer({ description: 'Idle timeout in minutes, 0 = disabled', min: 0, max: 720, default: 0 }),
    storage: Flags.option({ description: 'Storage policy', options: STORAGE_POLICIES, default: 'destroy' as const })(),
    'save-key': Flags.string({ description: 'Save the SSH private key to this file (mode 0600; never overwrites)', helpValue: '<path>' }),
    wait: Flags.boolean({ description: 'Wait until the session is running (or failed); progress goes to stderr', default: false }),
    'dry-run': Flags.boolean({ char: 'n', description: 'Print the chosen offer and the worst-case cost without renting', default: false }),
    spot: Flags.boolean({
      // No default: --max-bid and --on-preempt depend on it, and a default would count as given.
      description: 'Rent an interruptible (spot) offer with a bid (Vast.ai): a fraction of the price, but a higher bid can stop it (see --on-preempt)',
    }),
    'max-bid': usdFlag({ description: "With --spot: the highest bid, USD per hour for the instance (storage not included); default: the offer's minimum bid plus 10 %", dependsOn: ['spot'] }),
    'on-preempt': Flags.option({
      description: 'With --spot: when outbid, end the session, or reprovision it on a comparable spot offer within the budget and --max-bid (same key, new host)',
      options: ON_PREEMPT,
      dependsOn: ['spot'],
    })(),
  };

  public async run(): Promise<void> {
    const { flags } = this;
    const options: ProvisionOptions = {
      consumer: flags.consumer,
      offer: flags.offer,
      gpu: flags.gpu,
      hours: flags.hours,
      workload: flags.workload,
      idleTimeout: flags['idle-timeout'],
      storage: flags.storage,
      spot: flags.spot === true,
      maxBid: flags['max-bid'],
      onPreempt: flags['on-preempt'],
    };
    const client = this.client();
    const autoSelected = !flags.offer;

    if (flags['dry-run']) {
      const result = await dryRun(client, options);
      this.print(result, () => renderDryRun(result, autoSelected));
      return;
    }

    // The key is shown only once: make sure it can be saved before anything is rented.
    const keyPath = flags['save-key'] ? resolveKeyPath(flags['save-key']) : undefined;
    if (keyPath) await checkKeyPath(keyPath);

    const created = await createSession(client, options);
    if (keyPath && created.ssh_private_key) {
      try {
        await saveKey(keyPath, created.ssh_private_key);
      } catch (error) {
        // Never lose the key: print it so the user can still save it by hand.
        this.note(`Warning: could not write ${keyPath} (${error instanceof Error ? error.message : String(error)}); the key follows on stdout.`);
        this.print(created, () => renderProvisioned(created, created.session, { autoSelected }));
        throw error;
      }
    }
    const keyFields = keyPath ? { ssh_private_key: null, ssh_private_key_path: keyPath } : {};

    if (!flags.wait) {
      this.print({ ...created, ...keyFields }, () => renderProvisioned(created, created.session, { autoSelected, keyPath }));
      if (this.json && !created.session.ssh_host) {
        this.note(`Note: the SSH endpoint (session.ssh_host, ssh_port, ssh_user) is known once the session is running: add --wait, or poll 'gpu-shopper sessions get ${created.session.id} -o json'.`);
      }
      return;
    }

    // In table mode the key is printed before waiting, so an interrupted wait never loses it.
    if (!this.json) this.io.out(renderProvisioned(created, created.session, { autoSelected, keyPath, waiting: true }));
    const started = Date.now();
    this.note(`Waiting for session ${created.session.id} to be running...`);
    const session = await client.sessions
      .waitUntilRunning(created.session.id, {
        pollIntervalMs: WAIT_POLL_MS,
        onStatus: (s) => this.note(`[${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${s.status}`),
      })
      .catch((error: unknown) => {
        // A failed session's key is useless; any other interruption (timeout, network) may leave a
        // session that still comes up, and its key is shown nowhere else.
        if (!keyPath && this.json && created.ssh_private_key && !(error instanceof SessionTerminalError)) {
          this.note(`The session's private key (shown only once) was:\n${created.ssh_private_key.trimEnd()}`);
        }
        throw error;
      });
    this.note(`Session ${session.id} is running after ${((Date.now() - started) / 1000).toFixed(1)}s.`);
    if (this.json) this.io.out(JSON.stringify({ ...created, session, ...keyFields }, null, 2));
    else this.io.out(['', 'Session is running. Connect with:', `  ssh -i ${keyPath ?? '<key-file>'} -p ${session.ssh_port ?? 22} ${session.ssh_user ?? 'root'}@${session.ssh_host ?? '<host>'}`].join('\n'));
  }
}
