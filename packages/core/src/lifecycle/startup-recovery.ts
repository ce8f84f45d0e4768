import { noopLogger, type Logger } from '../logging/logger.js';
import { type Repositories } from '../ports/repositories.js';
import { type ProvisioningService } from '../provisioning/provisioning-service.js';
import { type SessionTerminator } from '../provisioning/session-terminator.js';
import { LIVE_STATUSES } from '../sessions/session.js';

export interface StartupRecoveryOptions {
  readonly repositories: Repositories;
  readonly provisioning: ProvisioningService;
  readonly terminator: SessionTerminator;
  readonly logger?: Logger;
}

export interface StartupRecovery {
  /** Sagas resumed (pending or provisioning): they continue in the background. */
  readonly resumed: string[];
  /** Stopping sessions whose destruction was continued. */
  readonly destroying: string[];
  /** Settles when every resumed saga and destroy has returned. */
  readonly done: Promise<void>;
}

/**
 * After a restart (invariant 9): provisioning continues from what is recorded, stopping continues
 * destruction, running stays running. Nothing is destroyed because the process restarted.
 */
export function recoverSessions(options: StartupRecoveryOptions): Promise<StartupRecovery> {
  const logger = (options.logger ?? noopLogger).child({ component: 'recovery' });
  return options.repositories.sessions.list({ statuses: LIVE_STATUSES }).then((sessions) => {
    const resumed: string[] = [];
    const destroying: string[] = [];
    const work: Promise<unknown>[] = [];
    for (const session of sessions) {
      if (session.status === 'pending' || session.status === 'provisioning') {
        resumed.push(session.id);
        work.push(options.provisioning.run(session.id));
      } else if (session.status === 'stopping') {
        destroying.push(session.id);
        work.push(options.terminator.destroyAndVerify(session, 'recovery'));
      }
    }
    logger.info('startup recovery', { resumed: resumed.length, destroying: destroying.length, running: sessions.length - resumed.length - destroying.length });
    const done = Promise.allSettled(work).then((results) => {
      for (const result of results) if (result.status === 'rejected') logger.error('recovery work failed', { error: result.reason });
    });
    return { resumed, destroying, done };
  });
}
