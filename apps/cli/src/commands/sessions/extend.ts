import { Args, Flags } from '@oclif/core';

import { BaseCommand } from '../../base-command.js';
import { renderExtend } from '../../services/sessions.js';

export default class SessionsExtend extends BaseCommand<typeof SessionsExtend> {
  static override summary = 'Extends a session reservation.';
  static override description = 'Adds hours to the reservation. Never past the hard maximum (12 h after creation by default): beyond it the server refuses.';

  static override examples = [{ description: 'Two more hours', command: '<%= config.bin %> <%= command.id %> ses_abc123 -t 2' }];

  static override args = {
    'session-id': Args.string({ description: 'The session id (ses_…)', required: true }),
  };

  static override flags = {
    hours: Flags.integer({ char: 't', description: 'Additional hours to extend, 1-12', min: 1, max: 12, default: 1 }),
  };

  public async run(): Promise<void> {
    const response = await this.client().sessions.extend(this.args['session-id'], { hours: this.flags.hours });
    this.print(response, () => renderExtend(response));
  }
}
