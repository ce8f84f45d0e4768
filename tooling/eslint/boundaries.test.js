// Tests of the package-boundary rule, run with node:test (this package is plain JavaScript).
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';

import { ESLint } from 'eslint';

import { BOUNDARIES, checkImport, owningPackage } from './boundaries.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const file = (pkg, rel = 'src/example.ts') => path.join(root, pkg, rel);

describe('owningPackage', () => {
  it('finds the workspace package of a file', () => {
    assert.equal(owningPackage(file('packages/core'))?.name, '@gpu-shopper/core');
    assert.equal(owningPackage(file('apps/server', 'src/routes/x.ts'))?.name, '@gpu-shopper/server');
  });
});

describe('checkImport', () => {
  const forbidden = [
    ['packages/core', '@gpu-shopper/storage'],
    ['packages/core', '@gpu-shopper/providers'],
    ['packages/core', 'drizzle-orm'],
    ['packages/core', 'node:fs'],
    ['packages/core', 'fs'],
    ['packages/contract', '@gpu-shopper/core'],
    ['packages/bench', '@gpu-shopper/ssh'],
    ['packages/simulator', '@gpu-shopper/providers'],
    ['packages/simulator', '@gpu-shopper/core'],
    ['packages/storage', '@gpu-shopper/providers'],
    ['packages/providers', '@gpu-shopper/storage'],
    ['apps/cli', '@gpu-shopper/storage'],
    ['apps/cli', '@gpu-shopper/test-support'],
    ['apps/server', '@gpu-shopper/test-support'],
    ['packages/test-support', '@gpu-shopper/core'],
    ['packages/test-support', '@gpu-shopper/server'],
    ['apps/server', '@gpu-shopper/cli'],
    ['packages/client', 'zod'],
  ];
  for (const [pkg, specifier] of forbidden) {
    it(`refuses ${specifier} in ${pkg}`, () => {
      assert.match(checkImport({ filename: file(pkg), specifier, typeOnly: false }) ?? '', /may not import/);
    });
  }

  const allowed = [
    ['packages/core', 'zod'],
    ['packages/core', './money/money.js'],
    ['packages/storage', '@gpu-shopper/core'],
    ['packages/storage', 'drizzle-orm/sqlite-core'],
    ['packages/storage', 'node:fs'],
    ['packages/bench', '@gpu-shopper/core'],
    ['apps/server', '@gpu-shopper/storage'],
    ['apps/cli', '@gpu-shopper/client'],
    ['apps/cli', '@gpu-shopper/providers'],
    ['apps/cli', '@gpu-shopper/core'],
    ['tests/perf', '@gpu-shopper/test-support'],
    ['tests/perf', '@gpu-shopper/server'],
    ['tests/e2e', '@gpu-shopper/test-support'],
  ];
  for (const [pkg, specifier] of allowed) {
    it(`allows ${specifier} in ${pkg}`, () => {
      assert.equal(checkImport({ filename: file(pkg), specifier, typeOnly: false }), undefined);
    });
  }

  it('lets the SDK import contract types only', () => {
    const sdk = file('packages/client');
    assert.equal(checkImport({ filename: sdk, specifier: '@gpu-shopper/contract', typeOnly: true }), undefined);
    assert.match(checkImport({ filename: sdk, specifier: '@gpu-shopper/contract', typeOnly: false }) ?? '', /import type/);
  });

  it('lets adapter tests, and only tests, use the simulator', () => {
    assert.equal(checkImport({ filename: file('packages/providers', 'src/vastai/vastai.test.ts'), specifier: '@gpu-shopper/simulator', typeOnly: false }), undefined);
    assert.match(checkImport({ filename: file('packages/providers'), specifier: '@gpu-shopper/simulator', typeOnly: false }) ?? '', /may not import/);
  });

  it('lets suites, and only test files elsewhere, use the shared test support', () => {
    assert.equal(checkImport({ filename: file('apps/cli', 'src/cli.test.ts'), specifier: '@gpu-shopper/test-support', typeOnly: false }), undefined);
    assert.equal(checkImport({ filename: file('packages/ssh', 'src/x.test.ts'), specifier: '@gpu-shopper/test-support', typeOnly: false }), undefined);
    assert.match(checkImport({ filename: file('packages/ssh'), specifier: '@gpu-shopper/test-support', typeOnly: false }) ?? '', /may not import/);
  });

  it('treats every file of the benchmark and end-to-end suites as test code (testing exports allowed)', () => {
    assert.equal(checkImport({ filename: file('tests/perf', 'src/support/sshd.ts'), specifier: '@gpu-shopper/ssh/testing', typeOnly: false }), undefined);
    assert.equal(checkImport({ filename: file('tests/e2e', 'src/support/server-process.ts'), specifier: '@gpu-shopper/ssh/testing', typeOnly: false }), undefined);
    assert.match(checkImport({ filename: file('apps/server'), specifier: '@gpu-shopper/ssh/testing', typeOnly: false }) ?? '', /test files/);
  });

  it('refuses relative imports that leave the package', () => {
    const message = checkImport({ filename: file('packages/core'), specifier: '../../storage/src/index.js', typeOnly: false });
    assert.match(message ?? '', /leaves @gpu-shopper\/core/);
  });

  it('keeps test fakes out of production code', () => {
    const testing = '@gpu-shopper/core/testing';
    assert.match(checkImport({ filename: file('packages/storage'), specifier: testing, typeOnly: false }) ?? '', /test files/);
    assert.equal(checkImport({ filename: file('packages/storage', 'src/x.test.ts'), specifier: testing, typeOnly: false }), undefined);
    assert.equal(checkImport({ filename: file('apps/server', 'src/test-support/app-harness.ts'), specifier: testing, typeOnly: false }), undefined);
  });

  it('refuses every import of a workspace package that has no boundary entry', () => {
    const saved = BOUNDARIES['@gpu-shopper/bench'];
    delete BOUNDARIES['@gpu-shopper/bench'];
    try {
      assert.match(checkImport({ filename: file('packages/bench'), specifier: 'zod', typeOnly: false }) ?? '', /no entry in the boundary table/);
    } finally {
      BOUNDARIES['@gpu-shopper/bench'] = saved;
    }
  });

  it('covers every workspace package that holds code', () => {
    for (const name of ['core', 'contract', 'client', 'providers', 'storage', 'ssh', 'bench', 'simulator', 'server', 'cli', 'test-support', 'e2e', 'perf']) {
      assert.ok(BOUNDARIES[`@gpu-shopper/${name}`], name);
    }
  });
});

describe('through ESLint', () => {
  it('reports a forbidden import in real lint output', async () => {
    const eslint = new ESLint({
      cwd: root,
      overrideConfigFile: true,
      overrideConfig: [
        {
          files: ['**/*.ts'],
          languageOptions: { parser: (await import('typescript-eslint')).parser },
          plugins: { 'gpu-shopper': (await import('./boundaries.js')).boundariesPlugin },
          rules: { 'gpu-shopper/boundaries': 'error' },
        },
      ],
    });
    const [result] = await eslint.lintText("import { openStorage } from '@gpu-shopper/storage';\nexport const x = openStorage;\n", {
      filePath: file('packages/core', 'src/forbidden.ts'),
    });
    assert.equal(result.messages.length, 1);
    assert.equal(result.messages[0].ruleId, 'gpu-shopper/boundaries');
  });
});
