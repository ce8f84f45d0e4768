import { Args } from '@oclif/core';

import { BaseCommand } from '../../base-command.js';
import { renderDone } from '../../services/sessions.js';

export default class SessionsDone extends BaseCommand<typeof SessionsDone> {
  static override summary = 'Signals session completion (graceful shutdown).';
  static override description = 'Tells GPU Shopper you are done: the instance is shut down, destroyed (verified) and billing stops. Repeating it is harmless.';

  static override examples = [{ description: 'Signal that a session is done', command: '<%= config.bin %> <%= command.id %> ses_abc123' }];

  static override args = {
    'session-id': Args.string({ description: 'The session id (ses_…)', required: true }),
  };

  public async run(): Promise<void> {
    const response = await this.client().sessions.done(this.args['session-id']);
    this.print(response, () => renderDone(response));
  }
}
