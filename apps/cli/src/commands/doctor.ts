import { Flags } from '@oclif/core';

import { BaseCommand } from '../base-command.js';
import { providerEnv, recordDirFromEnv } from '../env.js';
import { CliError, classifyError, failureJson } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { toJson } from '../output.js';
import { DOCTOR_PROVIDERS, announce, renderReport, runLocalDoctor } from '../services/doctor.js';

export default class Doctor extends BaseCommand<typeof Doctor> {
  static override summary = 'Checks each provider account with read-only calls and prints a report to paste into a bug report.';
  static override description =
    'For each configured provider: can it be reached, is the key accepted, how many offers its catalogue answer held and how many ' +
    'were parsed (and why the others were dropped, or which GPU names are unknown), how many of our instances it lists, the account ' +
    'balance where the vendor has an API for it, the rate-limit headers it sent and how far its clock is from ours. Nothing is ' +
    'rented, changed or destroyed. Exits non-zero when any provider fails (4 when a key is refused).\n\n' +
    'Provider keys come from the environment (or ./.env), as for cleanup-orphans: VASTAI_API_KEY; TENSORDOCK_AUTH_ID and ' +
    'TENSORDOCK_API_TOKEN; BLUELOBSTER_API_KEY; *_BASE_URL overrides. With --remote the server (--server) runs the same checks ' +
    'with its own keys (admin token in GPU_SHOPPER_API_KEY). PROVIDER_RECORD_DIR (or --record) also writes every request and ' +
    'response, redacted, as material for new test fixtures.';

  static override examples = [
    { description: 'Check every provider with a key in the environment', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'One provider, as JSON', command: '<%= config.bin %> <%= command.id %> -p vastai -o json' },
    { description: "Ask the server to check with its keys", command: '<%= config.bin %> <%= command.id %> --remote' },
    { description: 'Record the redacted traffic for a fixture contribution', command: '<%= config.bin %> <%= command.id %> --record ./recorded' },
  ];

  static override flags = {
    provider: Flags.option({ char: 'p', description: 'Check only this provider', options: DOCTOR_PROVIDERS })(),
    remote: Flags.boolean({ description: 'Ask the server (--server) to run the checks with its keys (GET /api/v1/providers/health, admin)', default: false }),
    record: Flags.string({ description: 'Write each provider request/response pair, redacted, under this directory (default: PROVIDER_RECORD_DIR)', helpValue: '<dir>' }),
    timeout: Flags.integer({ description: 'Seconds to wait for each provider call', default: 15, min: 1, max: 300 }),
  };

  public async run(): Promise<void> {
    let report;
    if (this.flags.remote) {
      report = await this.client().providers.health({ timeout: (this.flags.timeout * 4 + 10) * 1000 });
      if (this.flags.provider) report = { ...report, providers: report.providers.filter((p) => p.provider === this.flags.provider) };
    } else {
      const env = providerEnv();
      for (const missing of env.incomplete) this.note(`Warning: ${missing} is not set; TensorDock needs both TENSORDOCK_AUTH_ID and TENSORDOCK_API_TOKEN.`);
      const only = this.flags.provider;
      const configured = DOCTOR_PROVIDERS.filter((name) => env[name] && (!only || name === only));
      if (configured.length === 0) {
        throw new CliError(only ? `no credentials for ${only}` : 'no provider credentials found', {
          code: 'NO_PROVIDER_CREDENTIALS',
          exitCode: EXIT.USAGE,
          nextStep: 'set VASTAI_API_KEY, TENSORDOCK_AUTH_ID + TENSORDOCK_API_TOKEN or BLUELOBSTER_API_KEY (in the environment or ./.env), or use --remote',
        });
      }
      if (!this.json) announce(this.io, configured);
      const recordDir = this.flags.record ?? recordDirFromEnv();
      report = await runLocalDoctor(env, only, { timeoutMs: this.flags.timeout * 1000, recordDir });
      if (recordDir) this.note(`Recorded the redacted request/response pairs under ${recordDir}`);
    }

    const failed = report.providers.filter((p) => !p.ok);
    const failure =
      failed.length === 0
        ? undefined
        : new CliError(failed.map((p) => p.error ?? `${p.provider}: failed`).join('; '), {
            code: failed.some((p) => p.authenticated === false) ? 'PROVIDER_AUTH_FAILED' : 'PROVIDER_CHECK_FAILED',
            exitCode: failed.some((p) => p.authenticated === false) ? EXIT.AUTH : EXIT.ERROR,
            nextStep: 'check the named provider keys and the report above; paste it into a bug report if the vendor answered oddly',
          });
    if (this.json) {
      this.io.out(toJson({ ...report, error: failure ? failureJson(classifyError(failure)).error : null }));
      if (failure) this.exit(failure.options.exitCode ?? EXIT.ERROR);
      return;
    }
    this.io.out(renderReport(report));
    if (failure) throw failure;
  }
}
