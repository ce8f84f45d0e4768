#!/usr/bin/env node
// Only what the command needs is loaded. `--version` is answered before any import, and a plain
// `inventory -o json` runs without oclif (dist/fast-path.js): oclif's startup (config, plugins,
// manifest) is most of the wall time of both. The version line is oclif's own format.
const args = process.argv.slice(2);
if (args.length === 1 && args[0] === '--version') {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.name}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`);
} else if (!(args.includes('inventory') && (await (await import('../dist/fast-path.js')).runFastPath(args)))) {
  const [{ execute }, { normalizeArgv }] = await Promise.all([import('@oclif/core'), import('../dist/argv.js')]);
  // Global flags before the command and `help <command>` are rewritten into what oclif parses.
  await execute({ dir: import.meta.url, args: normalizeArgv(args) });
}
