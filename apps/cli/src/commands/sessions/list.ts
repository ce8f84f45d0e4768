import { Flags } from '@oclif/core';

import { BaseCommand } from '../../base-command.js';
import { listSessions, renderSessionList } from '../../services/sessions.js';

export default class SessionsList extends BaseCommand<typeof SessionsList> {
  static override summary = 'Lists all sessions, with status, price and expiry.';
  static override description = 'Lists every session you can see (a consumer key sees its own), oldest first. With -o json: {"sessions": [...], "count": N}.';

  static override examples = [
    { description: 'Your sessions', command: '<%= config.bin %> <%= command.id %> -c my-app' },
    { description: 'Running sessions only', command: '<%= config.bin %> <%= command.id %> -s running' },
    { description: 'Ids of running sessions', command: "<%= config.bin %> <%= command.id %> -s running -o json | jq -r '.sessions[].id'" },
  ];

  static override flags = {
    consumer: Flags.string({ char: 'c', aliases: ['consumer-id'], description: 'Filter by consumer ID (also --consumer-id)' }),
    status: Flags.option({
      char: 's',
      description: 'Filter by status',
      options: ['pending', 'provisioning', 'running', 'stopped', 'stopping', 'terminated', 'failed'] as const,
    })(),
  };

  public async run(): Promise<void> {
    const sessions = await listSessions(this.client(), { consumer: this.flags.consumer, status: this.flags.status });
    this.print({ sessions, count: sessions.length }, () => renderSessionList(sessions));
  }
}
