import { parsePollAnswer, parseStartedPid, pollCommand, startCommand } from './node-protocol.js';

describe('the on-node protocol of a benchmark attempt', () => {
  it.each([
    ['DONE\n', { state: 'done' }],
    ['FAILED\nollama pull failed\nexit 1\n', { state: 'failed', detail: 'ollama pull failed exit 1' }],
    ['RUNNING\n{"phase":"warmup"}\n', { state: 'running', heartbeat: '{"phase":"warmup"}' }],
    ['RUNNING\n', { state: 'running', heartbeat: '' }],
    ['DEAD\n', { state: 'gone' }],
    ['MISSING\n', { state: 'gone' }],
    ['', { state: 'running', heartbeat: '' }],
  ])('reads the poll answer %j', (stdout, expected) => {
    expect(parsePollAnswer(stdout)).toEqual(expected);
  });

  it.each([
    ['4242\n', 4242],
    ['  17 ', 17],
    ['', undefined],
    ['0\n', undefined],
    ['-3\n', undefined],
    ['bash: nohup: not found\n', undefined],
  ])('reads the started PID from %j', (stdout, expected) => {
    expect(parseStartedPid(stdout)).toBe(expected);
  });

  it('quotes the folder in every command and detaches the script from the session', () => {
    const dir = "/tmp/bench run's";
    expect(startCommand(dir, ['--model', 'llama3.1:8b'])).toBe(
      "cd '/tmp/bench run'\\''s' && nohup bash ./ollama-bench.sh --model llama3.1:8b > '/tmp/bench run'\\''s'/stdout.log 2>&1 < /dev/null & echo $!",
    );
    expect(pollCommand(dir, 77)).toContain("cd '/tmp/bench run'\\''s' 2>/dev/null || { echo MISSING; exit 0; };");
    expect(pollCommand(dir, 77)).toContain('kill -0 77 2>/dev/null');
  });
});
