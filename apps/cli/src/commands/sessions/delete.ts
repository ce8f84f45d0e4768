import { Args } from '@oclif/core';

import { BaseCommand } from '../../base-command.js';
import { renderDeleted } from '../../services/sessions.js';

export default class SessionsDelete extends BaseCommand<typeof SessionsDelete> {
  static override summary = 'Force deletes a session: its instance is destroyed now.';
  static override description = 'Destroys the instance at once, without a graceful shutdown; the session ends when the provider confirms the instance is gone. Repeating it is harmless.';

  static override examples = [{ description: 'Destroy a session now', command: '<%= config.bin %> <%= command.id %> ses_abc123' }];

  static override args = {
    'session-id': Args.string({ description: 'The session id (ses_…)', required: true }),
  };

  public async run(): Promise<void> {
    const response = await this.client().sessions.delete(this.args['session-id']);
    this.print(response, () => renderDeleted(response));
  }
}
