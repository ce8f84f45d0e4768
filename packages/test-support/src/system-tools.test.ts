import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { findTool, MissingToolError, POSTGRES, requireTools, type SystemTool } from './system-tools.js';

const ABSENT: SystemTool = { name: 'gpushop-no-such-tool', path: '/nonexistent/gpushop-no-such-tool', debianPackage: 'gpushop-tools' };
const ON_PATH: SystemTool = { name: 'sh', debianPackage: 'dash' };

describe('requireTools: a suite that needs a system tool never passes without running', () => {
  it('finds tools by absolute path or on PATH', () => {
    expect(findTool(ON_PATH)).toMatch(/\/sh$/);
    expect(findTool(ABSENT)).toBeUndefined();
  });

  it('is true when every tool is installed, and says nothing', () => {
    const notices: string[] = [];
    expect(requireTools('a suite', [ON_PATH], { env: { CI: 'true' }, warn: (n) => notices.push(n) })).toBe(true);
    expect(notices).toEqual([]);
  });

  it('fails under CI, naming the tool and the Debian package', () => {
    expect(() => requireTools('the sshd suite', [ON_PATH, ABSENT], { env: { CI: 'true' } })).toThrow(MissingToolError);
    expect(() => requireTools('the sshd suite', [ABSENT], { env: { CI: 'true' } })).toThrow(
      'the sshd suite did NOT run: gpushop-no-such-tool (/nonexistent/gpushop-no-such-tool) not installed (apt-get install gpushop-tools); under CI a missing tool fails the suite',
    );
  });

  it('elsewhere skips loudly: false, and a notice naming the package on stderr', () => {
    const notices: string[] = [];
    expect(requireTools('the sshd suite', [ABSENT], { env: {}, warn: (n) => notices.push(n) })).toBe(false);
    expect(notices.join('')).toContain('!!! SKIPPED: the sshd suite did NOT run: gpushop-no-such-tool (/nonexistent/gpushop-no-such-tool) not installed (apt-get install gpushop-tools). !!!');
  });
});

describe('POSTGRES: the server with initdb and pg_ctl beside it', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'gpushop-pgbin-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is found in POSTGRES_BIN_DIR only when all three programs are there, and nowhere else then', () => {
    for (const bin of ['postgres', 'pg_ctl']) writeFileSync(path.join(dir, bin), '');
    expect(findTool(POSTGRES, { POSTGRES_BIN_DIR: dir })).toBeUndefined();
    expect(() => requireTools('a PostgreSQL suite', [POSTGRES], { env: { POSTGRES_BIN_DIR: dir, CI: 'true' } })).toThrow(/postgres not installed \(apt-get install postgresql\)/);
    writeFileSync(path.join(dir, 'initdb'), '');
    expect(findTool(POSTGRES, { POSTGRES_BIN_DIR: dir })).toBe(path.join(dir, 'postgres'));
  });
});
