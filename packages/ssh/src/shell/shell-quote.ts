/**
 * Quotes one argument for a POSIX shell: single quotes, with embedded `'` written as `'\''`.
 * Double quotes (upstream's Go `%q`) would let `$(...)` and backticks in a path run on the node.
 */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}
