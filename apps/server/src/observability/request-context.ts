import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The request a piece of work runs for. The request-id middleware opens the context; everything
 * that runs inside it (route handler, core services, the provisioning saga it starts) logs with the
 * request's id without passing it through every call.
 */
const context = new AsyncLocalStorage<{ readonly requestId: string }>();

export function runWithRequestId<T>(requestId: string, work: () => T): T {
  return context.run({ requestId }, work);
}

export function currentRequestId(): string | undefined {
  return context.getStore()?.requestId;
}
