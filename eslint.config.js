// Flat config: typescript-eslint's recommended rules, plus the project's boundaries.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/results/**'] },
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
    files: ['src/missions/mission.types.ts', 'src/missions/mission-state.ts', 'src/missions/mission-events.ts', 'src/missions/mission-commands.ts', 'src/missions/mission-keys.ts', 'src/missions/event-stream-id.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['@nestjs/*', 'ioredis', 'bullmq'] }],
    },
  },
  {
    // Only the repository speaks Redis.
    files: [
      'src/missions/missions.controller.ts', 'src/missions/missions.service.ts', 'src/missions/mission-recorder.ts', 'src/missions/dto/**',
      'src/missions/missions-events.controller.ts', 'src/missions/mission-event-stream.service.ts', 'src/missions/mission-event-hub.ts',
      'src/missions/mission-event-subscription.ts', 'src/missions/sse-response.ts',
    ],
    rules: {
      'no-restricted-imports': ['error', { paths: ['ioredis', '@nestjs/event-emitter'] }],
    },
  },
);
