import { Args } from '@oclif/core';

import { BaseCommand } from '../../base-command.js';
import { transferFlags } from '../../flags.js';
import { parseRemoteSpec, renderTransfer, uploadFile } from '../../services/transfer.js';

export default class TransferUpload extends BaseCommand<typeof TransferUpload> {
  static override summary = 'Uploads a file to a session over SFTP.';
  static override description =
    'Copies a local file straight to the instance (GPU Shopper is not in the path): it is written to a temporary name, ' +
    'its SHA-256 checked on the instance, then renamed into place, so the target is never left half-written. ' +
    'The session must be running; use the private key saved when it was provisioned.';

  static override examples = [
    { description: 'Upload model weights', command: '<%= config.bin %> <%= command.id %> ./model.bin ses_abc123:/workspace/model.bin -k ~/.ssh/session_key' },
    { description: 'With a longer timeout', command: '<%= config.bin %> <%= command.id %> ./data.tar ses_abc123:/workspace/data.tar -k ~/.ssh/session_key -t 30m' },
  ];

  static override args = {
    local: Args.string({ description: 'Local file to upload', required: true }),
    remote: Args.string({ description: 'Destination as <session-id>:<remote-path>', required: true }),
  };

  static override flags = transferFlags;

  public async run(): Promise<void> {
    const remote = parseRemoteSpec(this.args.remote, 'the destination');
    const result = await uploadFile(this.client(), this.args.local, remote, { keyFile: this.flags.key, timeoutMs: this.flags.timeout });
    this.print(result, () => renderTransfer(result));
  }
}
