/**
 * The package-boundary rule: the dependency rules of docs/architecture.md, enforced by lint instead of review.
 *
 * For every import, re-export, dynamic import and require in a file, the rule finds the workspace
 * package the file belongs to (nearest package.json) and checks the specifier against that package's
 * entry in BOUNDARIES:
 *  - `@gpu-shopper/*` imports must be listed in `internal` (type-only ones may be listed in `typeOnly`);
 *  - packages with an `external` list may import only those third-party modules (and no Node built-ins
 *    unless `builtins` is true);
 *  - a relative import may not climb out of its package (that would bypass every rule above);
 *  - `@gpu-shopper/<pkg>/testing` (in-memory fakes) is for test files only;
 *  - test files may also import the packages in `testInternal` (e.g. the simulator);
 *  - a `@gpu-shopper/*` package missing from BOUNDARIES is itself an error, so no new package
 *    escapes the rules by omission.
 */
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

/**
 * @typedef {object} Boundary
 * @property {string[]} internal  workspace packages this package may import
 * @property {string[]} [typeOnly] workspace packages it may import with `import type` only
 * @property {string[]} [external] when set, the only third-party modules it may import
 * @property {boolean} [builtins]  whether `node:*` modules are allowed (default true)
 * @property {string[]} [testInternal] workspace packages its test files may import as well
 * @property {boolean} [testCode] every file of the package is test code (suites and benchmarks), so it
 *   may import `@gpu-shopper/<pkg>/testing` and `testInternal` packages from any file
 */

/** @type {Record<string, Boundary>} */
export const BOUNDARIES = {
  '@gpu-shopper/core': { internal: [], external: ['zod'], builtins: false },
  '@gpu-shopper/contract': { internal: [], external: ['zod'], builtins: false },
  '@gpu-shopper/client': { internal: [], typeOnly: ['@gpu-shopper/contract'], external: [] },
  // Adapter tests run against the simulator's vendor fakes; production code never sees it.
  '@gpu-shopper/providers': { internal: ['@gpu-shopper/core'], testInternal: ['@gpu-shopper/simulator', '@gpu-shopper/test-support'] },
  '@gpu-shopper/storage': { internal: ['@gpu-shopper/core'], testInternal: ['@gpu-shopper/test-support'] },
  '@gpu-shopper/ssh': { internal: ['@gpu-shopper/core'], testInternal: ['@gpu-shopper/simulator', '@gpu-shopper/test-support'] },
  // bench reaches nodes through core's RemoteExec port, never through @gpu-shopper/ssh.
  '@gpu-shopper/bench': { internal: ['@gpu-shopper/core'] },
  // The simulator is written from the vendor contracts, so adapter tests against it are not circular.
  '@gpu-shopper/simulator': { internal: [] },
  '@gpu-shopper/server': {
    testInternal: ['@gpu-shopper/test-support'],
    internal: [
      '@gpu-shopper/core',
      '@gpu-shopper/contract',
      '@gpu-shopper/providers',
      '@gpu-shopper/simulator',
      '@gpu-shopper/storage',
      '@gpu-shopper/ssh',
      '@gpu-shopper/bench',
    ],
  },
  // End-to-end tests drive the built server process through the SDK and SSH, against the simulator;
  // the replica tests and the replicated chaos soak take a throwaway PostgreSQL from storage.
  '@gpu-shopper/e2e': {
    internal: ['@gpu-shopper/client', '@gpu-shopper/core', '@gpu-shopper/server', '@gpu-shopper/simulator', '@gpu-shopper/ssh', '@gpu-shopper/storage', '@gpu-shopper/test-support'],
    testCode: true,
  },
  // The benchmark suite (`pnpm bench`) runs the built server and CLI as processes and drives core's
  // services with the real adapters, storage and SSH in-process. Of the server's code it imports only
  // the AES-GCM cipher (`@gpu-shopper/server/security`), so its figure costs what the server's does.
  '@gpu-shopper/perf': {
    internal: ['@gpu-shopper/core', '@gpu-shopper/providers', '@gpu-shopper/simulator', '@gpu-shopper/ssh', '@gpu-shopper/storage', '@gpu-shopper/server', '@gpu-shopper/test-support'],
    testCode: true,
  },
  // Helpers shared by the suites above: they run processes and wait for states, and import no
  // project package (helpers that need one live in that package's `testing` export).
  '@gpu-shopper/test-support': { internal: [] },
  // Deployment checks start the built server and read its metrics; they import no source.
  '@gpu-shopper/deploy': { internal: ['@gpu-shopper/server'] },
  // The web console talks to the server only through the SDK, in the browser.
  '@gpu-shopper/web': { internal: ['@gpu-shopper/client'] },
  // Tooling packages hold configuration and import no project package.
  '@gpu-shopper/eslint-config': { internal: [] },
  '@gpu-shopper/jest-preset': { internal: [] },
  '@gpu-shopper/tsconfig': { internal: [] },
  // The CLI talks to the server through the SDK; providers (cleanup-orphans) and ssh (transfer) are
  // the two direct commands by design.
  // It reads session labels with core's own parser rather than a copy of it (core is pure, and
  // already reaches the CLI through providers).
  '@gpu-shopper/cli': {
    internal: ['@gpu-shopper/client', '@gpu-shopper/core', '@gpu-shopper/providers', '@gpu-shopper/ssh'],
    testInternal: ['@gpu-shopper/simulator', '@gpu-shopper/test-support'],
  },
};

const SCOPE = '@gpu-shopper/';
const TEST_FILE = /(\.test|\.spec)\.[cm]?[jt]s$|[\\/](test|__tests__|testing|test-support)[\\/]/;

/** @type {Map<string, { name: string, dir: string } | null>} */
const packageCache = new Map();

/** Finds the workspace package (name and folder) that owns a file. */
export function owningPackage(filename) {
  let dir = path.dirname(path.resolve(filename));
  const visited = [];
  while (true) {
    if (packageCache.has(dir)) {
      const found = packageCache.get(dir) ?? null;
      for (const v of visited) packageCache.set(v, found);
      return found;
    }
    visited.push(dir);
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const { name } = JSON.parse(fs.readFileSync(manifest, 'utf8'));
      const found = typeof name === 'string' ? { name, dir } : null;
      for (const v of visited) packageCache.set(v, found);
      return found;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      for (const v of visited) packageCache.set(v, null);
      return null;
    }
    dir = parent;
  }
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
export function packageNameOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Decides whether `specifier`, imported from `filename`, is allowed. Returns a message when it is not.
 * Exported for the rule's own tests.
 */
export function checkImport({ filename, specifier, typeOnly }) {
  const owner = owningPackage(filename);
  if (!owner) return undefined;
  const boundary = BOUNDARIES[owner.name];
  const isTest = boundary?.testCode === true || TEST_FILE.test(filename);

  if (specifier.startsWith('.')) {
    const target = path.resolve(path.dirname(filename), specifier);
    const rel = path.relative(owner.dir, target);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      return `relative import '${specifier}' leaves ${owner.name}; import the package by name so its boundary applies`;
    }
    return undefined;
  }
  if (path.isAbsolute(specifier)) return `absolute import '${specifier}' is not allowed`;
  if (!boundary) {
    return owner.name.startsWith(SCOPE)
      ? `${owner.name} has no entry in the boundary table (tooling/eslint/boundaries.js); add one before it imports anything`
      : undefined;
  }

  if (specifier.startsWith('node:') || isBuiltin(specifier)) {
    return boundary.builtins === false && !isTest
      ? `${owner.name} may not import Node built-in '${specifier}' (it stays free of I/O; see docs/architecture.md)`
      : undefined;
  }

  const target = packageNameOf(specifier);
  if (target.startsWith(SCOPE)) {
    if (target === owner.name) return `${owner.name} imports itself by name; use a relative import`;
    if (/\/testing(\/|$)/.test(specifier.slice(target.length)) && !isTest) {
      return `'${specifier}' holds test fakes; only test files may import it`;
    }
    if (boundary.internal.includes(target)) return undefined;
    if (isTest && boundary.testInternal?.includes(target)) return undefined;
    if (typeOnly && boundary.typeOnly?.includes(target)) return undefined;
    if (boundary.typeOnly?.includes(target)) {
      return `${owner.name} may import ${target} with 'import type' only`;
    }
    return `${owner.name} may not import ${target} (dependency rules: docs/architecture.md)`;
  }
  if (boundary.external && !boundary.external.includes(target) && !(isTest && isTestTooling(target))) {
    const allowed = boundary.external.length ? boundary.external.join(', ') : 'nothing';
    return `${owner.name} may not import '${target}'; its only allowed third-party import is ${allowed}`;
  }
  return undefined;
}

const TEST_TOOLING = new Set(['@jest/globals', 'jest']);
function isTestTooling(name) {
  return TEST_TOOLING.has(name);
}

const BUILTINS = new Set(builtinModules);
function isBuiltin(specifier) {
  return BUILTINS.has(packageNameOf(specifier));
}

/** @type {import('eslint').Rule.RuleModule} */
export const boundariesRule = {
  meta: {
    type: 'problem',
    docs: { description: "Enforces the package dependency rules of docs/architecture.md" },
    schema: [],
    messages: { forbidden: '{{message}}' },
  },
  create(context) {
    const filename = context.filename;
    function check(node, source, typeOnly) {
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string') return;
      const message = checkImport({ filename, specifier: source.value, typeOnly });
      if (message) context.report({ node: source, messageId: 'forbidden', data: { message } });
    }
    return {
      ImportDeclaration(node) {
        const typeOnly =
          node.importKind === 'type' ||
          (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type'));
        check(node, node.source, typeOnly);
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, node.source, node.exportKind === 'type');
      },
      ExportAllDeclaration(node) {
        check(node, node.source, node.exportKind === 'type');
      },
      ImportExpression(node) {
        check(node, node.source, false);
      },
      TSImportType(node) {
        const arg = node.argument?.literal ?? node.argument;
        check(node, arg, true);
      },
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node, node.arguments[0], false);
      },
    };
  },
};

export const boundariesPlugin = { rules: { boundaries: boundariesRule } };
