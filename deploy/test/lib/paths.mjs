import path from 'node:path';

/** deploy/ and the repository root, wherever the tests are started from. */
export const deployDir = path.resolve(import.meta.dirname, '..', '..');
export const repoRoot = path.resolve(deployDir, '..');
export const serverDir = path.join(repoRoot, 'apps', 'server');
export const serverEntry = path.join(serverDir, 'dist', 'main.js');

export const fromDeploy = (...parts) => path.join(deployDir, ...parts);
export const fromRoot = (...parts) => path.join(repoRoot, ...parts);
