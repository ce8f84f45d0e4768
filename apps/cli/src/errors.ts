import {
  APIConnectionError,
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  GpuShopperError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  SessionTerminalError,
  SessionWaitTimeoutError,
  UnprocessableEntityError,
} from '@gpu-shopper/client';

import { EXIT, type ExitCode } from './exit-codes.js';

/** An expected failure the user can act on: what went wrong, what to do next, and the exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly options: { readonly nextStep?: string; readonly exitCode?: ExitCode; readonly code?: string } = {},
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** How a failure is reported: one line for people, one JSON object under `-o json`. */
export interface Failure {
  readonly code: string;
  readonly message: string;
  readonly nextStep: string | undefined;
  readonly exitCode: ExitCode;
  readonly requestId?: string | undefined;
}

export interface FailureContext {
  /** The server URL in use (for connection errors). */
  readonly server?: string | undefined;
  /** The command id (`sessions get`), for the `--help` hint. */
  readonly commandId?: string | undefined;
}

const oneLine = (text: string): string =>
  text
    .replace(/See more help with --help/g, '')
    .replace(/The following errors? occurred:/g, '')
    .replace(/^\s*Parsing (--[\w-]+)\s+/, '$1: ')
    .replace(/\s+/g, ' ')
    .trim();

/** True for oclif's flag and argument errors (they carry the parser's output). */
function isParseError(error: unknown): error is Error & { oclif?: { exit?: number } } {
  return error instanceof Error && ('parse' in error || /^(Nonexistent flag|Unexpected argument|Missing \d+ required arg|Expected --|Expected .* to be one of|Expected an integer|Parsing --)/.test(error.message));
}

/** Maps anything thrown by a command to the failure the user sees. */
export function classifyError(error: unknown, context: FailureContext = {}): Failure {
  const help = context.commandId ? `run 'gpu-shopper ${context.commandId} --help'` : "run 'gpu-shopper --help'";
  if (error instanceof CliError) {
    return { code: error.options.code ?? 'ERROR', message: oneLine(error.message), nextStep: error.options.nextStep, exitCode: error.options.exitCode ?? EXIT.ERROR };
  }
  if (error instanceof SessionTerminalError) {
    const session = error.session;
    const why = session.error ? `: ${session.error}` : '';
    return {
      code: 'SESSION_FAILED',
      message: oneLine(`session ${session.id} ended ${session.status} before it was running${why}${error.errorType ? ` (${error.errorType})` : ''}`),
      nextStep: error.retrySuggested
        ? `provision again (another offer may work): 'gpu-shopper inventory -g "${session.gpu_type}"'`
        : `inspect it with 'gpu-shopper sessions get ${session.id}'`,
      exitCode: EXIT.ERROR,
    };
  }
  if (error instanceof SessionWaitTimeoutError) {
    const id = error.session?.id ?? 'the session';
    return { code: 'WAIT_TIMEOUT', message: oneLine(error.message), nextStep: `check it with 'gpu-shopper sessions get ${id}'`, exitCode: EXIT.ERROR };
  }
  if (error instanceof APIConnectionError) {
    const where = context.server ? ` at ${context.server}` : '';
    return {
      code: 'SERVER_UNREACHABLE',
      message: oneLine(`cannot reach the GPU Shopper server${where}: ${error.message.replace(/^(Connection error|Request timed out)[^:]*:\s*/, '')}`),
      nextStep: "start the server ('pnpm start') or point --server / GPU_SHOPPER_URL at it",
      exitCode: EXIT.UNREACHABLE,
    };
  }
  if (error instanceof APIError) {
    const requestId = error.requestID ?? undefined;
    const code = error.code ?? `HTTP_${error.status ?? 'ERROR'}`;
    const details = error.details?.length ? ` (${error.details.map((d) => `${d.path}: ${d.message}`).join('; ')})` : '';
    const message = oneLine(`${error.error?.message ?? error.message}${details}`);
    const base = { code, message, requestId };
    if (error instanceof NotFoundError) {
      const nextStep =
        code === 'OFFER_NOT_FOUND'
          ? "list current offers with 'gpu-shopper inventory'"
          : code === 'SESSION_NOT_FOUND'
            ? "list your sessions with 'gpu-shopper sessions list'"
            : 'check the id, and that --server points at the right server';
      return { ...base, nextStep, exitCode: EXIT.NOT_FOUND };
    }
    if (error instanceof AuthenticationError) {
      return { ...base, nextStep: 'set GPU_SHOPPER_API_KEY to your consumer API key (or the admin token)', exitCode: EXIT.AUTH };
    }
    if (error instanceof PermissionDeniedError) {
      return { ...base, nextStep: 'use the API key of the consumer that owns it, or the admin token', exitCode: EXIT.AUTH };
    }
    if (error instanceof UnprocessableEntityError) {
      if (code === 'BUDGET_EXCEEDED') {
        return { ...base, nextStep: 'reserve fewer --hours, pick a cheaper offer, or ask an admin to raise the budget', exitCode: EXIT.REFUSED };
      }
      if (code === 'SAFETY_LIMIT_EXCEEDED') {
        // The hard maximum is a safety limit, not money: only a shorter reservation gets under it.
        return { ...base, nextStep: 'ask for fewer hours (--hours / -t): no session runs past the hard maximum', exitCode: EXIT.REFUSED };
      }
      return { ...base, nextStep: "pick another offer from 'gpu-shopper inventory'", exitCode: EXIT.ERROR };
    }
    if (error instanceof BadRequestError) return { ...base, nextStep: help, exitCode: EXIT.USAGE };
    if (error instanceof ConflictError) {
      return { ...base, nextStep: "check the session's status with 'gpu-shopper sessions get <id>'", exitCode: EXIT.ERROR };
    }
    if (error instanceof RateLimitError) return { ...base, nextStep: 'wait a little and try again', exitCode: EXIT.ERROR };
    if (error instanceof InternalServerError) {
      return { ...base, nextStep: `try again; if it persists, check the server logs${requestId ? ` for request ${requestId}` : ''}`, exitCode: EXIT.ERROR };
    }
    return { ...base, nextStep: undefined, exitCode: EXIT.ERROR };
  }
  if (isParseError(error)) {
    const first = oneLine(error.message.split('\n').filter((line) => !/^\s*See more help/.test(line)).join(' '));
    return { code: 'USAGE', message: first, nextStep: help, exitCode: EXIT.USAGE };
  }
  if (error instanceof GpuShopperError) return { code: 'CLIENT_ERROR', message: oneLine(error.message), nextStep: undefined, exitCode: EXIT.ERROR };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'ERROR', message: oneLine(message), nextStep: undefined, exitCode: EXIT.ERROR };
}

/** `Error: <message>. Next: <step>` — one line. */
export function formatFailure(failure: Failure): string {
  const message = failure.message.replace(/[.\s]+$/, '');
  const request = failure.requestId ? ` [request ${failure.requestId}]` : '';
  return `Error: ${message}.${request}${failure.nextStep ? ` Next: ${failure.nextStep}.` : ''}`;
}

/** The JSON form of a failure (printed on stdout under `-o json`). */
export function failureJson(failure: Failure): { error: { code: string; message: string; next_step: string | null; exit_code: number; request_id: string | null } } {
  return {
    error: {
      code: failure.code,
      message: failure.message,
      next_step: failure.nextStep ?? null,
      exit_code: failure.exitCode,
      request_id: failure.requestId ?? null,
    },
  };
}
