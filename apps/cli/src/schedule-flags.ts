/** Flags of `benchmarks schedules create` (where some are required) and `update` (all optional). */
import { Flags } from '@oclif/core';

import { PROVIDERS, parseDuration, usdFlag } from './flags.js';

/** The run template: what each scheduled run benchmarks (as `benchmarks run`). */
export function scheduleTemplateFlags<R extends boolean>(modelRequired: R) {
  return {
    model: Flags.string({ char: 'm', description: 'Model to benchmark (repeat for several)', multiple: true, required: modelRequired }),
    gpu: Flags.string({ char: 'g', description: 'GPU type to benchmark (repeat for several; default: every type in inventory)', multiple: true }),
    provider: Flags.option({ char: 'p', description: 'Provider to rent from (repeat for several; default: all)', options: PROVIDERS, multiple: true })(),
    'max-budget': usdFlag({ description: "Cap on each run's real accrued cost, in USD" }),
    location: Flags.string({ description: 'Only offers in this location' }),
    consumer: Flags.string({ char: 'c', description: 'Consumer the sessions are billed to' }),
    attempts: Flags.integer({ description: 'Attempts per GPU type × model', min: 1, max: 5 }),
    duration: Flags.custom<number>({
      description: 'Throughput phase per model, at least 10s, e.g. 5m',
      helpValue: '<duration>',
      parse: async (input) => Math.round(parseDuration(input) / 1000),
    })(),
  };
}

export const CRON_DESCRIPTION = 'When to run: 5 cron fields (minute hour day-of-month month day-of-week), or 6 with seconds first';

/** The time zone of the cron expression. */
export const timezoneFlag = Flags.string({ description: 'IANA time zone of the cron expression (default UTC)', helpValue: '<Europe/Berlin>' });
