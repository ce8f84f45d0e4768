// Writes oclif.manifest.json (what `oclif manifest` does; the oclif dev CLI needs Node 22): with
// it, oclif loads only the command being run instead of importing every command at startup.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';

import { Plugin } from '@oclif/core';

const root = path.resolve(import.meta.dirname, '..');
const plugin = new Plugin({ root, type: 'core', ignoreManifest: true, errorOnManifestCreate: true, respectNoCacheDefault: true });
await plugin.load();
await writeFile(path.join(root, 'oclif.manifest.json'), `${JSON.stringify(plugin.manifest, null, 2)}\n`);
process.stdout.write(`oclif.manifest.json: ${Object.keys(plugin.manifest.commands).length} commands\n`);
