/**
 * @gpu-shopper/test-support — what the test suites of several packages share (e2e, the CLI's
 * process tests, the benchmark suite): one copy of each helper, so a fix (the port race in
 * `ServerProcess.start`) reaches every suite. Helpers that belong to one package live in that
 * package's `testing` export instead (the real sshd: `@gpu-shopper/ssh/testing`).
 */
export { freePort } from './free-port.js';
export { baseEnv, collectLines, runProcess, waitForHttp, type ProcessResult, type RunProcessOptions } from './processes.js';
export { OwnedProcess, REPO_ROOT, SERVER_ENTRY, ServerProcess, type ServerProcessOptions } from './server-process.js';
export { CHROMIUM, findTool, MissingToolError, POSTGRES, requireTools, SSH_KEYGEN, SSHD, type SystemTool } from './system-tools.js';
export { waitFor } from './wait-for.js';
export { SEED_AUTOMATION_PATTERN } from './seed-examples.js';
