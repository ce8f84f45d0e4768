import { Err, Ok, type Result } from '../errors/result.js';
import { RemoteExecError, type ExecOptions, type ExecResult, type RemoteExec, type RemoteTarget } from '../ports/remote-exec.js';

type ExecResponder = (command: string, target: RemoteTarget) => Result<ExecResult, RemoteExecError> | undefined;

/**
 * A scripted remote: register responders (`on`) matched in order against each command; unmatched
 * commands fail with exit code 127 like a missing binary. Files live in an in-memory map per host.
 */
export class FakeRemoteExec implements RemoteExec {
  readonly commands: { host: string; command: string }[] = [];
  readonly files = new Map<string, Uint8Array>();
  private readonly responders: ExecResponder[] = [];

  /** Answers commands matching `pattern` with the given output (exit code 0 unless set). */
  on(pattern: RegExp | string, output: Partial<ExecResult> | RemoteExecError | ((command: string) => Partial<ExecResult> | RemoteExecError)): this {
    this.responders.push((command, target) => {
      const matches = typeof pattern === 'string' ? command.includes(pattern) : pattern.test(command);
      if (!matches) return undefined;
      const out = typeof output === 'function' ? output(command) : output;
      if (out instanceof RemoteExecError) return Err(out);
      return Ok({ exitCode: 0, stdout: '', stderr: '', hostKeyFingerprint: `SHA256:fake-${target.host}`, ...out });
    });
    return this;
  }

  exec(target: RemoteTarget, command: string, _options: ExecOptions): Promise<Result<ExecResult, RemoteExecError>> {
    this.commands.push({ host: target.host, command });
    for (const responder of this.responders) {
      const result = responder(command, target);
      if (result) return Promise.resolve(result);
    }
    return Promise.resolve(Ok({ exitCode: 127, stdout: '', stderr: `fake: no responder for '${command}'`, hostKeyFingerprint: null }));
  }

  upload(target: RemoteTarget, content: Uint8Array, remotePath: string): Promise<Result<void, RemoteExecError>> {
    this.files.set(`${target.host}:${remotePath}`, new Uint8Array(content));
    return Promise.resolve(Ok());
  }

  download(target: RemoteTarget, remotePath: string): Promise<Result<Uint8Array, RemoteExecError>> {
    const content = this.files.get(`${target.host}:${remotePath}`);
    return Promise.resolve(
      content ? Ok(new Uint8Array(content)) : Err(new RemoteExecError('transfer', target, `no such file: ${remotePath}`)),
    );
  }
}
