import { Flags } from '@oclif/core';

import { BaseCommand } from '../base-command.js';
import { providerEnv } from '../env.js';
import { CliError, classifyError, failureJson } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { toJson } from '../output.js';
import {
  CLEANUP_PROVIDERS,
  buildAdapters,
  combinedPricePerHour,
  confirmDestroy,
  destroyInstances,
  renderScan,
  scanForOrphans,
  toDestroy,
  type DestroyOutcome,
  type ProviderScan,
} from '../services/cleanup-orphans.js';

export default class CleanupOrphans extends BaseCommand<typeof CleanupOrphans> {
  static override summary = 'Finds and destroys orphan GPU instances directly at the providers. Works without the API server.';
  static override description =
    'A safety command for emergencies, when instances may have been orphaned by server problems. It lists every instance on your ' +
    'provider accounts that carries a GPU Shopper label (gpushop-<deployment>-<session>) and says which deployment it belongs to; ' +
    'instances without such a label are never touched. When the server answers, each instance of its deployment is checked against ' +
    'its session. Only the admin credential (GPU_SHOPPER_API_KEY set to the admin token, or a local request to a server in protected ' +
    'mode) can verify an orphan: a consumer key cannot see other consumers\' sessions, so with one — or with no server — every ' +
    'instance is "unverified". Dry run by default; --execute destroys verified orphans after you type \'yes\' (or without asking, ' +
    'with --force). Unverified instances and those of other deployments are kept unless you name them with ' +
    '--destroy-unverified or --destroy-other-deployments.\n\n' +
    'Provider keys come from the environment (or ./.env): VASTAI_API_KEY; TENSORDOCK_AUTH_ID and TENSORDOCK_API_TOKEN; ' +
    'BLUELOBSTER_API_KEY; and VASTAI_BASE_URL, TENSORDOCK_BASE_URL, BLUELOBSTER_BASE_URL to override the API endpoints.';

  static override examples = [
    { description: 'Dry run (default): list orphan candidates', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Destroy them, after typing yes', command: '<%= config.bin %> <%= command.id %> --execute' },
    { description: 'Target a single provider with no confirmation', command: '<%= config.bin %> <%= command.id %> -p vastai --execute --force' },
    { description: 'Emergency, the server is gone: destroy every instance of this account with a GPU Shopper label', command: '<%= config.bin %> <%= command.id %> --no-check-server --execute --destroy-unverified' },
  ];

  static override flags = {
    execute: Flags.boolean({ description: 'Actually destroy instances (default is dry-run)', default: false }),
    force: Flags.boolean({ description: 'Skip confirmation prompt when destroying', default: false }),
    provider: Flags.option({ char: 'p', description: 'Target a specific provider', options: CLEANUP_PROVIDERS })(),
    'destroy-unverified': Flags.boolean({
      description:
        'DANGEROUS: with --execute, also destroy labelled instances nobody could verify as orphans (no server, a consumer key, a failed lookup): they may belong to live sessions',
      default: false,
    }),
    'destroy-other-deployments': Flags.boolean({
      description: 'DANGEROUS: with --execute, also destroy instances labelled by another GPU Shopper deployment sharing this provider account',
      default: false,
    }),
    'check-server': Flags.boolean({
      description: 'Ask the server (--server) which labelled instances belong to live sessions, when it answers',
      default: true,
      allowNo: true,
    }),
  };

  public async run(): Promise<void> {
    const env = providerEnv();
    for (const missing of env.incomplete) this.note(`Warning: ${missing} is not set; TensorDock needs both TENSORDOCK_AUTH_ID and TENSORDOCK_API_TOKEN.`);
    const only = this.flags.provider;
    if (only ? !env[only] : !env.vastai && !env.tensordock && !env.bluelobster) {
      throw new CliError(only ? `no credentials for ${only}` : 'no provider credentials found', {
        code: 'NO_PROVIDER_CREDENTIALS',
        exitCode: EXIT.USAGE,
        nextStep: 'set VASTAI_API_KEY, TENSORDOCK_AUTH_ID + TENSORDOCK_API_TOKEN or BLUELOBSTER_API_KEY (in the environment or ./.env)',
      });
    }
    const adapters = buildAdapters(env, only, this.io);
    const client = this.flags['check-server'] ? this.client() : null;
    const scan = await scanForOrphans(adapters, client, this.io, this.flags.server, {
      unverified: this.flags['destroy-unverified'],
      otherDeployments: this.flags['destroy-other-deployments'],
    });
    const doomed = toDestroy(scan);
    const failedProviders = scan.providers.filter((p) => !p.ok);

    let destroyed: DestroyOutcome[] = [];
    let cancelled = false;
    if (!this.json) this.io.out(renderScan(scan));
    if (!this.flags.execute) {
      if (!this.json && doomed.length > 0) {
        this.io.out('\nThis was a dry-run. To actually destroy the instances marked "destroy", run the same command with --execute');
      }
    } else if (doomed.length > 0) {
      if (!this.flags.force && !(await confirmDestroy(doomed, this.io))) {
        cancelled = true;
      } else {
        destroyed = await destroyInstances(adapters, doomed, this.io, !this.json);
        const failed = destroyed.filter((d) => !d.ok).length;
        if (!this.json) this.io.out(`\nCleanup complete: ${destroyed.length - failed} destroyed, ${failed} failed`);
      }
    }

    const failure = this.failure(cancelled, destroyed, failedProviders);
    if (this.json) {
      // One JSON document: the result, with the failure (if any) inside it, and the exit code.
      const error = failure ? failureJson(classifyError(failure)).error : null;
      this.io.out(
        toJson({
          dry_run: !this.flags.execute,
          cancelled,
          server: scan.server,
          providers: scan.providers,
          instances: scan.instances,
          live: scan.live,
          foreign_count: scan.foreign_count,
          combined_price_per_hour: combinedPricePerHour(doomed),
          destroyed,
          error,
        }),
      );
      if (failure) this.exit(failure.options.exitCode ?? EXIT.ERROR);
      return;
    }
    if (failure) throw failure;
  }

  private failure(cancelled: boolean, destroyed: readonly DestroyOutcome[], failedProviders: readonly ProviderScan[]): CliError | undefined {
    if (cancelled) {
      return new CliError('cancelled: nothing was destroyed', { code: 'CANCELLED', nextStep: "run again and type 'yes' to confirm, or pass --force" });
    }
    const failedDestroys = destroyed.filter((d) => !d.ok);
    if (failedDestroys.length > 0) {
      return new CliError(`${failedDestroys.length} instance(s) could not be destroyed: ${failedDestroys.map((d) => `${d.provider}/${d.instance_id}`).join(', ')}`, {
        code: 'DESTROY_FAILED',
        nextStep: 'run the command again; if it keeps failing, destroy them in the provider console',
      });
    }
    if (failedProviders.length > 0) {
      return new CliError(`could not list instances at ${failedProviders.map((p) => `${p.provider} (${p.error ?? 'error'})`).join(', ')}: the scan is incomplete`, {
        code: 'PROVIDER_LISTING_FAILED',
        nextStep: 'check the provider keys and try again',
      });
    }
    return undefined;
  }
}
