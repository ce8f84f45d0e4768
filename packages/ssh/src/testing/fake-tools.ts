import { chmod, copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Fake node tools (`fake-bin/`: nvidia-smi, dmesg, sudo) for the in-process fake node and the real
 * sshd fixture, put first on the PATH of every command the node runs (infra.md Appendix A/B).
 *
 * They read their profile from FAKE_* environment variables, overridden by the shell assignments in
 * `$FAKE_GPU_STATE_FILE` when it exists, so a test can change a running node (driver broken → fixed)
 * by rewriting that file. nvidia-smi failures: FAKE_NVSMI_FAIL=nodriver → exit 9, =nvml → exit 18,
 * FAKE_GPU_COUNT=0 → exit 6; messages on stdout like the real tool.
 */
export const FAKE_TOOLS = ['nvidia-smi', 'dmesg', 'sudo'] as const;

// The scripts stay in src/ (tsc does not copy them): the same path from src/testing/ and dist/testing/.
const SOURCE_DIR = fileURLToPath(new URL('../../src/testing/fake-bin/', import.meta.url));

/** Copies the fake tools into `binDir` (created if needed), executable. */
export async function installFakeTools(binDir: string): Promise<void> {
  await mkdir(binDir, { recursive: true });
  for (const name of FAKE_TOOLS) {
    const path = join(binDir, name);
    await copyFile(join(SOURCE_DIR, name), path);
    await chmod(path, 0o755);
  }
}

/** The contents of a `$FAKE_GPU_STATE_FILE`: `KEY='value'` lines, sourced by the fake tools. */
export function fakeStateFile(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key}='${value.replaceAll("'", `'\\''`)}'\n`)
    .join('');
}
