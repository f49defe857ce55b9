// `npm run import:seed -- --from <redis-url> --tenant <id>`: brings the old service's missions
// into this service's store. See IMPORT_USAGE and README, "Migrating from the old service".
import { existsSync } from 'node:fs';
import { createRedisConnection, MissionImportRepository, untilReady, type MissionsRedisClient, type RedisConnectionConfig } from 'missions';
import { loadStoreEnv, redisConfigFromEnv } from './config/env.js';
import { IMPORT_USAGE, ImportUsageError, parseImportArgs } from './import/import-options.js';
import { ImportProgress } from './import/import-progress.js';
import { exitCodeOf, formatReport } from './import/import-report-text.js';
import { OldKeyspaceReader } from './import/old-keyspace.reader.js';
import { importOldMissions } from './import/old-missions-import.js';

/** A batch of scripts may queue behind others: the service's fail-fast bound would cut it off. */
const IMPORT_COMMAND_TIMEOUT_MS = 60_000;

function withImportTimeout(config: RedisConnectionConfig): RedisConnectionConfig {
  if ('url' in config) return { url: config.url, options: { ...config.options, commandTimeout: IMPORT_COMMAND_TIMEOUT_MS } };
  const { nodes, options } = config.cluster;
  return { cluster: { nodes, options: { ...options, redisOptions: { ...options.redisOptions, commandTimeout: IMPORT_COMMAND_TIMEOUT_MS } } } };
}

async function main(): Promise<number> {
  const options = parseImportArgs(process.argv.slice(2));
  if (options === null) {
    console.log(IMPORT_USAGE);
    return 0;
  }
  if (existsSync('.env')) process.loadEnvFile('.env');
  const env = loadStoreEnv(process.env);
  const source = await OldKeyspaceReader.connect(options.from, options.sourcePrefix);
  let targetClient: MissionsRedisClient | undefined;
  try {
    targetClient = createRedisConnection(withImportTimeout(redisConfigFromEnv(env)));
    targetClient.on('error', () => undefined); // surfaces as the rejected command instead
    await untilReady(targetClient, 10_000);
    const progress = new ImportProgress();
    const report = await importOldMissions(source, new MissionImportRepository(targetClient, env.keyPrefix), {
      ...options, keyPrefix: env.keyPrefix,
    }, (done, total) => progress.update(done, total));
    progress.finish();
    console.log(options.json ? JSON.stringify(report) : formatReport(report));
    return exitCodeOf(report);
  } finally {
    await source.close();
    if (targetClient) await targetClient.quit().catch(() => targetClient?.disconnect());
  }
}

main().then((code) => process.exit(code), (error: unknown) => {
  if (error instanceof ImportUsageError) console.error(`import:seed: ${error.message}\n\n${IMPORT_USAGE}`);
  // Each mission is written whole by one script: running the same command again resumes.
  else console.error(`import:seed failed: ${error instanceof Error ? error.message : String(error)}\nRun the same command again to resume.`);
  process.exit(1);
});
