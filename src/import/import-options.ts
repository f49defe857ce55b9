import { parseArgs } from 'node:util';
import { OLD_DEFAULT_PREFIX } from './old-keyspace.js';

export const IMPORT_USAGE = `Usage: npm run import:seed -- --from <redis-url> (--tenant <id> | --null-tenant) [options]

Copies every mission of the old service's Redis keyspace into one tenant of this service's
store (REDIS_URL or REDIS_CLUSTER_NODES, and MISSIONS_KEY_PREFIX, as the service reads them).
Reads the source only. Safe to run again, and to re-run after it was interrupted.

  --from <url>            the old service's Redis (redis:// or rediss://)
  --source-prefix <text>  the old service's key prefix (default ${OLD_DEFAULT_PREFIX})
  --tenant <id>           the tenant the missions go to (the tenant_id of its users' tokens)
  --null-tenant           or the null tenant (tokens without tenant_id)
  --dry-run               read, map and report everything; write nothing
  --batch-size <n>        missions per pipelined round trip (default 500, 1-10000)
  --json                  print the summary as JSON (every skipped id listed)

Exit status: 0 all missions are in the target, 2 some records were skipped (listed), 1 error.`;

export interface ImportCliOptions {
  from: string;
  sourcePrefix: string;
  tenantId: string | null;
  dryRun: boolean;
  batchSize: number;
  json: boolean;
}

/** A command line that cannot run; the message says why, the caller prints the usage. */
export class ImportUsageError extends Error {}

/** `null` when help was asked for. */
export function parseImportArgs(argv: string[]): ImportCliOptions | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        from: { type: 'string' },
        'source-prefix': { type: 'string', default: OLD_DEFAULT_PREFIX },
        tenant: { type: 'string' },
        'null-tenant': { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        'batch-size': { type: 'string', default: '500' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new ImportUsageError((error as Error).message);
  }
  if (values.help) return null;
  if (!values.from || !/^rediss?:\/\//.test(values.from)) throw new ImportUsageError('--from must be a redis:// or rediss:// URL.');
  if ((values.tenant === undefined) === !values['null-tenant']) throw new ImportUsageError('give exactly one of --tenant <id> and --null-tenant.');
  if (values.tenant === '') throw new ImportUsageError('--tenant must not be empty (use --null-tenant for the null tenant).');
  const batchSize = /^\d+$/.test(values['batch-size']) ? Number(values['batch-size']) : NaN;
  if (!(batchSize >= 1 && batchSize <= 10_000)) throw new ImportUsageError('--batch-size must be an integer from 1 to 10000.');
  if (values['source-prefix'] === '') throw new ImportUsageError('--source-prefix must not be empty.');
  return {
    from: values.from,
    sourcePrefix: values['source-prefix'],
    tenantId: values['null-tenant'] ? null : (values.tenant as string),
    dryRun: values['dry-run'],
    batchSize,
    json: values.json,
  };
}
