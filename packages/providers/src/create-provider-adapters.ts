import { type Clock, type Logger, type ProviderAdapter } from '@gpu-shopper/core';

import { BlueLobsterAdapter } from './bluelobster/bluelobster-adapter.js';
import { type ProviderHttpClientOptions } from './http/http-client.js';
import { TensorDockAdapter } from './tensordock/tensordock-adapter.js';
import { VastAiAdapter } from './vastai/vastai-adapter.js';

/** Credentials and base URLs per vendor; a vendor without credentials is not registered. */
export interface ProviderCredentials {
  readonly vastai?: { readonly apiKey: string; readonly baseUrl?: string };
  readonly tensordock?: { readonly authId: string; readonly apiToken: string; readonly baseUrl?: string };
  readonly bluelobster?: { readonly apiKey: string; readonly baseUrl?: string };
}

export interface CreateProviderAdaptersOptions {
  readonly logger?: Logger;
  /** Marks every offer as simulated (the adapters are pointed at the built-in simulator). */
  readonly simulated?: boolean;
  readonly onCall?: ProviderHttpClientOptions['onCall'];
  /** The service's clock, for the times adapters report (when a destroy request was sent). */
  readonly clock?: Clock;
}

/** Builds the adapters for every configured vendor, in a stable order. */
export function createProviderAdapters(credentials: ProviderCredentials, options: CreateProviderAdaptersOptions = {}): ProviderAdapter[] {
  const common = {
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.simulated ? { simulated: true } : {}),
    ...(options.onCall || options.clock ? { http: { ...(options.onCall ? { onCall: options.onCall } : {}), ...(options.clock ? { clock: options.clock } : {}) } } : {}),
  };
  const adapters: ProviderAdapter[] = [];
  if (credentials.vastai) adapters.push(new VastAiAdapter({ ...credentials.vastai, ...common }));
  if (credentials.tensordock) adapters.push(new TensorDockAdapter({ ...credentials.tensordock, ...common }));
  if (credentials.bluelobster) adapters.push(new BlueLobsterAdapter({ ...credentials.bluelobster, ...common }));
  return adapters;
}
