import type { GpuShopper } from '../client.js';

/** Base of every resource: resources reach the API only through the client that owns them. */
export abstract class APIResource {
  /** The client this resource sends through. */
  protected readonly _client: GpuShopper;

  constructor(client: GpuShopper) {
    this._client = client;
  }
}
