import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

/** The files `npm publish` would ship, from npm itself (the package's `files` rules). */
function packedFiles(): Set<string> {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const [pack] = JSON.parse(out) as { files: { path: string }[] }[];
  return new Set(pack?.files.map((f) => f.path) ?? []);
}

/** What the build compiles (tsconfig.build.json: src without tests and test fakes): what the source maps point at. */
function builtSources(dir = 'src'): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return rel === 'src/testing' ? [] : builtSources(rel);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [rel] : [];
  });
}

describe('the published package', () => {
  const files = packedFiles();

  it('ships the sources its source maps and declaration maps point to (and no tests)', () => {
    expect(builtSources().filter((source) => !files.has(source))).toEqual([]);
    expect([...files].filter((f) => f.endsWith('.test.ts') || f.startsWith('src/testing/'))).toEqual([]);
  });

  it('ships every file api.md and README.md link to', () => {
    const links = ['api.md', 'README.md'].flatMap((doc) => [...readFileSync(path.join(ROOT, doc), 'utf8').matchAll(/\]\(((?:\.\/)?src\/[^)#\s]+)\)/g)].map((m) => path.posix.normalize(m[1] ?? '')));
    expect(links.length).toBeGreaterThan(0);
    // A link to a folder is good when the folder ships.
    expect(links.filter((link) => !files.has(link) && ![...files].some((f) => f.startsWith(`${link}/`)))).toEqual([]);
  });
});
