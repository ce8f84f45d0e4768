import { type Response } from 'express';

import { REQUEST_ALIASES, costQuerySchema } from '@gpu-shopper/contract';
import { buildCostReport, microsToUsd, type CostReportQuery } from '@gpu-shopper/core';

import { consumerScope } from '../../auth/authenticate.js';
import { type AppDeps } from '../../deps.js';
import { instanceCostToDto } from '../../http/mappers.js';
import { validateWithAliases } from '../../http/validate.js';

/** Shared by `GET /costs` and `GET /costs/summary`: validation, consumer scoping and the wire shape. */
export async function answerCostReport(deps: AppDeps, res: Response, rawQuery: unknown, defaults: Partial<CostReportQuery> = {}): Promise<void> {
  const query = validateWithAliases(costQuerySchema, REQUEST_ALIASES.costQuery, rawQuery, 'query');
  const consumerId = consumerScope(res, query.consumer_id);
  const report = await buildCostReport(deps.repositories.costs, {
    ...defaults,
    ...(consumerId !== undefined ? { consumerId } : {}),
    ...(query.session_id ? { sessionId: query.session_id } : {}),
    ...(query.provider ? { provider: query.provider } : {}),
    ...(query.start ? { startDate: query.start } : {}),
    ...(query.end ? { endDate: query.end } : {}),
    ...(query.period ? { period: query.period } : {}),
  }, { sessions: deps.repositories.sessions, now: deps.clock.now() });
  if (!report.ok) throw report.err;
  const usdRecord = (record: Readonly<Record<string, number>>) => Object.fromEntries(Object.entries(record).map(([key, micros]) => [key, microsToUsd(micros)]));
  res.json({
    total_cost: microsToUsd(report.val.totalMicros),
    total_cost_micros: report.val.totalMicros,
    session_count: report.val.sessionCount,
    hours_used: Math.round((report.val.billedSeconds / 3600) * 100) / 100,
    accruing_cost: microsToUsd(report.val.accruingMicros),
    accruing_cost_micros: report.val.accruingMicros,
    accruing_sessions: report.val.accruingSessionCount,
    by_provider: usdRecord(report.val.byProvider),
    by_gpu_type: usdRecord(report.val.byGpuType),
    by_period: report.val.byPeriod.map((p) => ({ period: p.period, cost: microsToUsd(p.totalMicros), cost_micros: p.totalMicros })),
    spot_cost: microsToUsd(report.val.spotMicros),
    spot_cost_micros: report.val.spotMicros,
    spot_on_demand_cost: microsToUsd(report.val.spotOnDemandMicros),
    spot_on_demand_cost_micros: report.val.spotOnDemandMicros,
    spot_saving: microsToUsd(report.val.spotSavingMicros),
    spot_saving_micros: report.val.spotSavingMicros,
    spot_instances: report.val.spotInstances.map(instanceCostToDto),
    start: report.val.from ? report.val.from.toISOString().slice(0, 10) : null,
    end: report.val.to ? new Date(report.val.to.getTime() - 86_400_000).toISOString().slice(0, 10) : null,
    consumer_id: consumerId ?? null,
  });
}
