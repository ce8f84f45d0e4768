import { readFileSync } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(import.meta.dirname, '../../..');

interface Manifest {
  name: string;
  private?: boolean;
  bin?: Record<string, string>;
  files?: string[];
  publishConfig?: { access?: string };
  dependencies?: Record<string, string>;
}

const WORKSPACE_DIRS: Record<string, string> = {
  '@gpu-shopper/cli': 'apps/cli',
  '@gpu-shopper/client': 'packages/client',
  '@gpu-shopper/core': 'packages/core',
  '@gpu-shopper/contract': 'packages/contract',
  '@gpu-shopper/providers': 'packages/providers',
  '@gpu-shopper/ssh': 'packages/ssh',
};

const manifest = (name: string): Manifest => {
  const dir = WORKSPACE_DIRS[name];
  if (!dir) throw new Error(`${name} is a workspace dependency of the CLI with no known folder: add it here`);
  return JSON.parse(readFileSync(path.join(REPO, dir, 'package.json'), 'utf8')) as Manifest;
};

/** The CLI and every workspace package it needs at run time (its production dependency closure). */
function closure(name: string, seen = new Set<string>()): Set<string> {
  seen.add(name);
  for (const [dep, range] of Object.entries(manifest(name).dependencies ?? {})) {
    if (range.startsWith('workspace:') && !seen.has(dep)) closure(dep, seen);
  }
  return seen;
}

describe('@gpu-shopper/cli is publishable', () => {
  it('has its own gpu-shopper bin, shipped', () => {
    const cli = manifest('@gpu-shopper/cli');
    expect(cli.bin).toEqual({ 'gpu-shopper': './bin/run.js' });
    expect(cli.files).toEqual(expect.arrayContaining(['bin', 'dist', 'oclif.manifest.json']));
  });

  it('and so is every workspace package it needs at run time (public, shipping its build)', () => {
    const packages = [...closure('@gpu-shopper/cli')];
    expect(packages).toEqual(expect.arrayContaining(['@gpu-shopper/client', '@gpu-shopper/providers', '@gpu-shopper/ssh', '@gpu-shopper/core']));
    for (const name of packages) {
      const pkg = manifest(name);
      expect({ name, private: pkg.private ?? false, access: pkg.publishConfig?.access, dist: pkg.files?.includes('dist') }).toEqual({ name, private: false, access: 'public', dist: true });
    }
  });
});
