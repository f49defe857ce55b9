/**
 * Native-ESM Jest (run with NODE_OPTIONS=--experimental-vm-modules, see package.json).
 * Unit specs live beside the code in src/, HTTP and multi-process specs in test/.
 * Type-checking is `npm run typecheck`; ts-jest only transpiles (isolatedModules) to stay fast.
 * @type {import('jest').Config}
 */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  testTimeout: 20000,
};
