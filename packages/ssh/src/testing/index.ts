/**
 * `@gpu-shopper/ssh/testing`: a real OpenSSH sshd fixture for tests and benchmarks (its own config,
 * host key and authorized_keys in a temp dir, fake GPU tools first on PATH). Test code only.
 */
export { FAKE_TOOLS, fakeStateFile, installFakeTools } from './fake-tools.js';
export { SSHD_PATH, startRealSshd, type RealSshd, type RealSshdOptions } from './real-sshd.js';
