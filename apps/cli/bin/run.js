#!/usr/bin/env node
import { execute } from '@oclif/core';

import { normalizeArgv } from '../dist/argv.js';

// Global flags before the command and `help <command>` are rewritten into what oclif parses.
await execute({ dir: import.meta.url, args: normalizeArgv(process.argv.slice(2)) });
