import { Args } from '@oclif/core';

import { BaseCommand } from '../../base-command.js';
import { transferFlags } from '../../flags.js';
import { downloadFile, parseRemoteSpec, renderTransfer } from '../../services/transfer.js';

export default class TransferDownload extends BaseCommand<typeof TransferDownload> {
  static override summary = 'Downloads a file from a session over SFTP.';
  static override description =
    'Copies a file from the instance straight to this machine (GPU Shopper is not in the path). The local file is written ' +
    'to a temporary name and renamed, so it is never left half-written. Files up to 256 MB. The session must be running.';

  static override examples = [
    {
      description: 'Download training results',
      command: '<%= config.bin %> <%= command.id %> ses_abc123:/workspace/output/checkpoint.pt ./checkpoint.pt -k ~/.ssh/session_key',
    },
  ];

  static override args = {
    remote: Args.string({ description: 'Source as <session-id>:<remote-path>', required: true }),
    local: Args.string({ description: 'Local destination file', required: true }),
  };

  static override flags = transferFlags;

  public async run(): Promise<void> {
    const remote = parseRemoteSpec(this.args.remote, 'the source');
    const result = await downloadFile(this.client(), remote, this.args.local, { keyFile: this.flags.key, timeoutMs: this.flags.timeout });
    this.print(result, () => renderTransfer(result));
  }
}
