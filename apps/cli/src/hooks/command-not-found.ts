import { type Hook } from '@oclif/core';

import { nearestCommand } from '../argv.js';
import { failureJson, formatFailure, type Failure } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { processIo, toJson } from '../output.js';

/**
 * A mistyped command answers like git does: the nearest command as the next step, on one line, with
 * the usage exit code (2). Under `-o json` the failure is JSON on stdout, as for any other error.
 */
const hook: Hook.CommandNotFound = async function (options) {
  const typed = options.id.replaceAll(':', ' ');
  // Topics too: `gpu-shopper sesions` means the `sessions` topic, not the nearest single command.
  const known = [...options.config.commands.filter((command) => !command.hidden).flatMap((command) => [command.id, ...command.aliases]), ...options.config.topics.map((topic) => topic.name)];
  const suggestion = nearestCommand(typed, known);
  const bin = options.config.bin;
  const failure: Failure = {
    code: 'USAGE',
    message: `"${typed}" is not a ${bin} command`,
    nextStep: suggestion ? `did you mean '${bin} ${suggestion}'? ('${bin} help' lists every command)` : `'${bin} help' lists every command`,
    exitCode: EXIT.USAGE,
  };
  const argv = options.argv ?? [];
  const json = argv.some((arg, i) => arg === '-ojson' || arg === '--output=json' || arg === '-o=json' || ((arg === '-o' || arg === '--output') && argv[i + 1] === 'json'));
  if (json) processIo.out(toJson(failureJson(failure)));
  else processIo.err(formatFailure(failure));
  process.exitCode = EXIT.USAGE;
  // A result (instead of a throw) ends the run without oclif printing its own error as well.
  return undefined;
};

export default hook;
