import { findTool, MissingToolError, requireTools, type SystemTool } from './system-tools.js';

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
