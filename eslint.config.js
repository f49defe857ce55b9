// Flat config: typescript-eslint's recommended rules, plus the project's boundaries.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // No consistent-type-imports: with emitDecoratorMetadata, a DI constructor's class
      // imports look type-only to the linter but are read at run time.
      'no-restricted-imports': 'off',
    },
  },
  {
    // The domain stays free of the framework and of Redis.
    files: ['libs/missions/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@nestjs/*', 'ioredis', 'bullmq'] }],
    },
  },
  {
    // Only the repository speaks Redis.
    files: ['libs/missions/src/{core,http,auth,execution,events}/**/*.ts'],
    ignores: ['**/*.spec.ts', 'libs/missions/src/execution/bullmq/**', 'libs/missions/src/events/missions.publisher.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['ioredis'] }],
    },
  },
  {
    // Controllers and the service never touch the emitter: events go out through the publisher.
    files: ['libs/missions/src/{core,http}/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['ioredis', '@nestjs/event-emitter'] }],
    },
  },
  {
    // The standalone service uses the library only through its public entry point.
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/libs/missions/**', 'missions/*'] }],
    },
  },
);
