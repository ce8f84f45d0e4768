#!/usr/bin/env node
// Only what the command needs is loaded. This launcher is CommonJS (bin/package.json): Node starts
// a CommonJS entry without setting up its ES module loader, which is most of what `--version`
// would otherwise cost beyond `node -e 0`, and `--version` is answered before anything else loads.
// A plain `inventory -o json` runs without oclif (dist/fast-path.js): oclif's startup (config,
// plugins, manifest) is most of the wall time of both. The version line is oclif's own format.
'use strict';
const args = process.argv.slice(2);
if (args.length === 1 && args[0] === '--version') {
  const pkg = JSON.parse(require('node:fs').readFileSync(require('node:path').join(__dirname, '../package.json'), 'utf8'));
  process.stdout.write(`${pkg.name}/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`);
} else {
  void main();
}

async function main() {
  if (args.includes('inventory') && (await (await import('../dist/fast-path.js')).runFastPath(args))) return;
  const [{ execute }, { normalizeArgv }] = await Promise.all([import('@oclif/core'), import('../dist/argv.js')]);
  // Global flags before the command and `help <command>` are rewritten into what oclif parses. The
  // package's own folder, not this file: oclif finds its root from the nearest package.json, and
  // the nearest to this file is bin/package.json.
  await execute({ dir: require('node:path').join(__dirname, '..'), args: normalizeArgv(args) });
}
