import { GpuShopper } from '@gpu-shopper/client';
import { Command, Flags, type Interfaces } from '@oclif/core';

import { FileAnswerCache } from './answer-cache.js';
import { answerCacheDir, apiKeyFromEnv } from './env.js';
import { CliError, classifyError, failureJson, formatFailure } from './errors.js';
import { EXIT } from './exit-codes.js';
import { OUTPUT_FORMATS, processIo, toJson, type Io, type OutputFormat } from './output.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>;

export const DEFAULT_SERVER_URL = 'http://localhost:8080';

/** `--server`: a URL, checked before anything is sent. */
const serverFlag = Flags.string({
  description: 'GPU Shopper server URL',
  env: 'GPU_SHOPPER_URL',
  default: DEFAULT_SERVER_URL,
  helpGroup: 'GLOBAL',
  helpValue: '<url>',
  parse: async (input) => {
    if (!URL.canParse(input) || !/^https?:$/.test(new URL(input).protocol)) {
      throw new CliError(`--server must be an http(s) URL such as http://localhost:8080, got "${input}"`, { exitCode: EXIT.USAGE, code: 'USAGE' });
    }
    return input;
  },
});

/**
 * The base of every command: the global flags of SEED.md (`--server`, `-o/--output`), the SDK
 * client, stdout/stderr discipline, and the one place failures become a one-line message (or a
 * JSON error under `-o json`) and a documented exit code.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override baseFlags = {
    server: serverFlag,
    output: Flags.option({
      char: 'o',
      description: 'Output format: "table" or "json" (json writes only JSON to stdout)',
      options: OUTPUT_FORMATS,
      default: 'table' as OutputFormat,
      helpGroup: 'GLOBAL',
    })(),
  };

  protected flags!: BaseFlags<T>;
  protected args!: BaseArgs<T>;
  protected readonly io: Io = processIo;

  public override async init(): Promise<void> {
    await super.init();
    const { args, flags } = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (super.ctor as typeof BaseCommand).baseFlags,
      args: this.ctor.args,
      strict: this.ctor.strict,
    });
    this.flags = flags as BaseFlags<T>;
    this.args = args as BaseArgs<T>;
  }

  /** True under `-o json` (also when the failure happened before the flags were parsed). */
  protected get json(): boolean {
    if (this.flags) return this.flags.output === 'json';
    const argv = this.argv;
    return argv.some((arg, i) => arg === '-ojson' || arg === '--output=json' || arg === '-o=json' || ((arg === '-o' || arg === '--output') && argv[i + 1] === 'json'));
  }

  /** The server URL in use (for messages). */
  protected get serverUrl(): string | undefined {
    return (this.flags as { server?: string } | undefined)?.server;
  }

  /** The SDK client for `--server`, with GPU_SHOPPER_API_KEY when set (a local server without an admin token needs none). */
  protected client(): GpuShopper {
    return new GpuShopper({ baseURL: this.flags.server, apiKey: apiKeyFromEnv() ?? null, timeout: 30_000, maxRetries: 2, validatorCache: new FileAnswerCache(answerCacheDir()) });
  }

  /** Prints the result: JSON under `-o json`, else the human rendering. */
  protected print(json: unknown, human: () => string): void {
    if (this.json) this.io.out(toJson(json));
    else this.io.out(human());
  }

  /** Progress and notes for people: always stderr, so stdout stays the result. */
  protected note(text: string): void {
    this.io.err(text);
  }

  protected override async catch(error: Error & { exitCode?: number; code?: string }): Promise<unknown> {
    // `this.exit()` throws an ExitError: let oclif finish the exit it asked for.
    if (error.code === 'EEXIT') throw error;
    const failure = classifyError(error, { server: this.serverUrl, commandId: this.id?.replaceAll(':', ' ') });
    if (this.json) this.io.out(toJson(failureJson(failure)));
    else this.io.err(formatFailure(failure));
    this.exit(failure.exitCode);
    return undefined;
  }
}
