/**
 * When a vendor started billing an instance — the one rule for the saga (an instance it created or
 * adopted) and the terminator (an instance only ever found by its label):
 * the earliest creation time the provider reports, if plausible (not before `askedAt`, give or take
 * the vendors' one-second rounding), else `askedAt` itself — the moment the create was about to be
 * sent, which is the earliest the vendor can have started billing.
 */
export function billingStart(askedAt: Date, reportedStarts: readonly (Date | null | undefined)[]): Date {
  const plausible = reportedStarts
    .filter((start): start is Date => start instanceof Date && start.getTime() >= askedAt.getTime() - 1000)
    .map((start) => start.getTime());
  return plausible.length > 0 ? new Date(Math.min(...plausible)) : askedAt;
}
