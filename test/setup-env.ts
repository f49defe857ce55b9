// Jest setupFiles: a predictable environment for every spec, before any module loads.
process.env.NODE_ENV = 'test';
process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
process.env.MISSIONS_DEMO_STEP_MS ??= '20';
process.env.LOG_LEVEL ??= 'silent';
