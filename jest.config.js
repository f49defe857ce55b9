import { versions } from 'node:process';

// @fastify/static (Swagger UI on Fastify) require()s the ESM-only content-disposition, which
// Node allows; Jest's CommonJS loader does only from Node 24.9 on. Before that, it is compiled
// to CommonJS for the specs.
const [major, minor] = versions.node.split('.').map(Number);
const jestRequiresEsm = major > 24 || (major === 24 && minor >= 9);
const REQUIRED_ESM_AS_COMMONJS = {
  'content-disposition/dist/index\\.js$': ['ts-jest', { useESM: false, tsconfig: { allowJs: true, module: 'commonjs', isolatedModules: true } }],
};

/**
 * Native-ESM Jest (run with NODE_OPTIONS=--experimental-vm-modules, see package.json).
 * Unit specs live beside the code (libs/missions/src/, src/), HTTP and multi-process specs in test/.
 * Type-checking is `npm run typecheck`; ts-jest only transpiles (isolatedModules) to stay fast.
 * @type {import('jest').Config}
 */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/libs/missions/src', '<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  // The service imports the library by its package name; specs run it from its sources.
  moduleNameMapper: { '^missions$': '<rootDir>/libs/missions/src/index.ts', '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
    ...(jestRequiresEsm ? {} : REQUIRED_ESM_AS_COMMONJS),
  },
  ...(jestRequiresEsm ? {} : { transformIgnorePatterns: ['/node_modules/(?!(@fastify/static/node_modules/)?content-disposition/)'] }),
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  globalTeardown: '<rootDir>/test/support/open-handles-report.mjs',
  testTimeout: 20000,
};
