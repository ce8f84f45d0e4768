import { type Router } from 'express';

import { isAdminCaller } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';

/** Which replica answered, whether it leads, and on which database (one process on SQLite always leads). */
function replicaBody(deps: AppDeps) {
  const status = deps.replica?.();
  if (!status) return null;
  return {
    id: status.id,
    role: status.role,
    database: status.database,
    leader_token: status.leaderToken,
    last_lifecycle_tick_at: status.lastLifecycleTickAt?.toISOString() ?? null,
  };
}

/**
 * `GET /health`: the process is up, in which mode. Cheap: no dependency is checked (that is `/ready`).
 * Anyone may ask; the simulator's control URL (which can inject faults) is shown to the admin only.
 */
export function registerHealth(router: Router, deps: AppDeps): void {
  const trustProxy = deps.trustProxy !== undefined && deps.trustProxy !== false;
  router.get('/health', (req, res) => {
    const admin = isAdminCaller(req, { adminToken: deps.adminToken, trustProxy });
    res.json({
      status: 'ok',
      version: deps.version,
      mode: deps.mode,
      deployment_id: deps.deploymentId,
      time: deps.clock.now().toISOString(),
      simulator: deps.simulatorControlUrl && admin ? { control: deps.simulatorControlUrl } : null,
      replica: replicaBody(deps),
    });
  });
}
