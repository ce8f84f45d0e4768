import { Args } from '@oclif/core';

import { BaseCommand } from '../../base-command.js';
import { renderSession } from '../../services/sessions.js';

export default class SessionsGet extends BaseCommand<typeof SessionsGet> {
  static override summary = 'Gets session details: status, price, expiry and the SSH command.';
  static override description = 'Shows one session. With -o json the session object itself is printed, so `.status` is its status.';

  static override examples = [
    { description: 'Show a session', command: '<%= config.bin %> <%= command.id %> ses_abc123' },
    {
      description: 'Wait until a session is running',
      command: `while [ "$(<%= config.bin %> <%= command.id %> $SESSION_ID -o json | jq -r '.status')" != "running" ]; do sleep 5; done`,
    },
  ];

  static override args = {
    'session-id': Args.string({ description: 'The session id (ses_…)', required: true }),
  };

  public async run(): Promise<void> {
    const session = await this.client().sessions.retrieve(this.args['session-id']);
    this.print(session, () => renderSession(session));
  }
}
