/**
 * Command-line shapes people bring from git, kubectl and gh, rewritten into what oclif parses:
 *
 * - global flags anywhere, also before the command: `gpu-shopper --server URL inventory`,
 *   `gpu-shopper -o json sessions list` (oclif takes the first word as the command id, so a leading
 *   flag would be "command --server not found");
 * - `gpu-shopper help [command…]` = `gpu-shopper [command…] --help`.
 *
 * Everything after `--` is left alone (it is data, not flags).
 */

/** Global flags that take a value, by every spelling; `-ojson` / `--server=URL` forms are handled too. */
const GLOBAL_WITH_VALUE = ['--server', '--output', '-o'] as const;

function globalFlagAt(argv: readonly string[], index: number): number {
  const arg = argv[index] ?? '';
  for (const flag of GLOBAL_WITH_VALUE) {
    if (arg === flag) return index + 1 < argv.length ? 2 : 1;
    if (arg.startsWith(`${flag}=`)) return 1;
  }
  // `-ojson`, `-otable`
  if (/^-o[a-z]+$/.test(arg)) return 1;
  return 0;
}

/** Moves the global flags behind the command words and turns `help …` into `… --help`. */
export function normalizeArgv(argv: readonly string[]): string[] {
  const end = argv.indexOf('--');
  const head = end === -1 ? [...argv] : argv.slice(0, end);
  const tail = end === -1 ? [] : argv.slice(end);

  const globals: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < head.length; ) {
    const width = globalFlagAt(head, i);
    if (width > 0) {
      globals.push(...head.slice(i, i + width));
      i += width;
    } else {
      rest.push(head[i] as string);
      i += 1;
    }
  }

  if (rest[0] === 'help') {
    const words = rest.slice(1);
    return [...words, '--help', ...globals, ...tail];
  }
  return [...rest, ...globals, ...tail];
}

/** Levenshtein distance (small inputs: command ids). */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0] as number;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j] as number;
      previous[j] = Math.min(above + 1, (previous[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length] as number;
}

/**
 * The known command closest to a mistyped one (`invetory` → `inventory`, `sesions list` →
 * `sessions list`), or undefined when nothing is close enough to be a plausible typo.
 */
export function nearestCommand(typed: string, known: readonly string[]): string | undefined {
  const words = typed.split(/[: ]/).filter(Boolean);
  let best: { id: string; distance: number } | undefined;
  for (const id of known) {
    const candidate = id.replaceAll(':', ' ');
    // Compare with as many words as the candidate has; words the candidate leaves unexplained count
    // against it, so `benchmarks shedules list` finds `benchmarks schedules list`, not the topic.
    const candidateWords = candidate.split(' ').length;
    const typedPrefix = words.slice(0, candidateWords).join(' ');
    const distance = editDistance(typedPrefix, candidate) + 2 * Math.max(0, words.length - candidateWords);
    if (!best || distance < best.distance) best = { id: candidate, distance };
  }
  if (!best) return undefined;
  const threshold = Math.max(2, Math.floor(best.id.length / 3));
  return best.distance <= threshold ? best.id : undefined;
}
