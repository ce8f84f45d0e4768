import { spawnSync } from 'node:child_process';

import { PID_MARKER, PidMarkerReader, stripPidMarker, withPidMarker } from './pid-marker.js';

describe('PID marker', () => {
  it('prefixes a command so a POSIX shell prints its PID on stderr, then runs the command unchanged', () => {
    const command = withPidMarker(`echo "a'b" ; echo err >&2; exit 4`);
    for (const shell of ['sh', 'bash']) {
      const out = spawnSync(shell, ['-c', command], { encoding: 'utf8' });
      expect(out.status).toBe(4);
      expect(out.stdout).toBe("a'b\n");
      expect(out.stderr).toMatch(new RegExp(`^${PID_MARKER}\\d+\\nerr\\n$`));
    }
    expect(stripPidMarker(command)).toBe(`echo "a'b" ; echo err >&2; exit 4`);
    expect(stripPidMarker('plain')).toBe('plain');
  });

  it('takes the marker line off stderr, even split across chunks', () => {
    const reader = new PidMarkerReader();
    const parts = [reader.push(Buffer.from('__gpushop_')), reader.push(Buffer.from('pid=4242\nreal ')), reader.push(Buffer.from('stderr\n'))];
    expect(Buffer.concat(parts).toString()).toBe('real stderr\n');
    expect(reader.pid).toBe(4242);
  });

  it('passes stderr through untouched when it does not start with the marker', () => {
    const reader = new PidMarkerReader();
    expect(reader.push(Buffer.from('bash: fish-syntax error\n')).toString()).toBe('bash: fish-syntax error\n');
    expect(reader.pid).toBeNull();
    const short = new PidMarkerReader();
    expect(short.push(Buffer.from('no newline')).length).toBe(0);
    expect(short.flush().toString()).toBe('no newline');
  });
});
