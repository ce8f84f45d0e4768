import { Args, Flags } from '@oclif/core';

import { BaseCommand } from '../base-command.js';
import { renderDeleted } from '../services/sessions.js';

export default class Shutdown extends BaseCommand<typeof Shutdown> {
  static override summary = 'Shuts down a GPU session (alternative to sessions done).';
  static override description =
    'Without --force this is `sessions done`: the instance is shut down gracefully and destroyed (verified). ' +
    'With --force it is `sessions delete`: the instance is destroyed at once.';

  static override examples = [
    { description: 'Graceful shutdown', command: '<%= config.bin %> <%= command.id %> ses_abc123' },
    { description: 'Force shutdown', command: '<%= config.bin %> <%= command.id %> ses_abc123 --force' },
  ];

  static override args = {
    'session-id': Args.string({ description: 'The session to shut down', required: true }),
  };

  static override flags = {
    force: Flags.boolean({ char: 'f', description: 'Force immediate shutdown (skip graceful termination)', default: false }),
  };

  public async run(): Promise<void> {
    const client = this.client();
    const id = this.args['session-id'];
    if (this.flags.force) {
      const response = await client.sessions.delete(id);
      this.print(response, () => renderDeleted(response, true));
      return;
    }
    const response = await client.sessions.done(id);
    this.print(response, () => `Session ${response.session.id} shutdown initiated.\nThe session will terminate gracefully.`);
  }
}
