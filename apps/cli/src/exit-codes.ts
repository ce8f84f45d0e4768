/**
 * Exit codes of `gpu-shopper`, part of its contract (documented in README.md). Scripts can tell
 * "no such session" from "the server is down" from "over budget" without parsing messages.
 */
export const EXIT = {
  /** Success. */
  OK: 0,
  /** Any other failure (server error, provisioning failed, transfer failed, cancelled…). */
  ERROR: 1,
  /** Bad usage: unknown or invalid flags and arguments, values the server rejects as invalid. */
  USAGE: 2,
  /** The session or offer does not exist (HTTP 404). */
  NOT_FOUND: 3,
  /** Missing, wrong or insufficient credentials (HTTP 401 / 403). */
  AUTH: 4,
  /** Refused by a budget or safety limit (BUDGET_EXCEEDED, SAFETY_LIMIT_EXCEEDED). */
  REFUSED: 5,
  /** The server could not be reached (connection refused, DNS, timeout). */
  UNREACHABLE: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
