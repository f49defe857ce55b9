import { describe, expect, it } from '@jest/globals';
import { ImportUsageError, parseImportArgs } from './import-options.js';

const from = ['--from', 'redis://old-host:6379/2'];

describe(parseImportArgs.name, () => {
  it('should apply the defaults', () => {
    expect(parseImportArgs([...from, '--tenant', 'acme'])).toEqual({
      from: 'redis://old-host:6379/2', sourcePrefix: 'brain:missions:', tenantId: 'acme', dryRun: false, batchSize: 500, json: false,
    });
  });

  it('should read every option', () => {
    const sut = parseImportArgs([...from, '--null-tenant', '--source-prefix', 'x:', '--dry-run', '--batch-size', '20', '--json']);
    expect(sut).toEqual({ from: 'redis://old-host:6379/2', sourcePrefix: 'x:', tenantId: null, dryRun: true, batchSize: 20, json: true });
  });

  it('should answer null for --help', () => {
    expect(parseImportArgs(['--help'])).toBeNull();
  });

  it.each([
    [['--tenant', 'acme']],
    [['--from', 'http://x', '--tenant', 'acme']],
    [[...from]],
    [[...from, '--tenant', 'acme', '--null-tenant']],
    [[...from, '--tenant', '']],
    [[...from, '--tenant', 'acme', '--batch-size', '0']],
    [[...from, '--tenant', 'acme', '--batch-size', '1e3']],
    [[...from, '--tenant', 'acme', '--source-prefix', '']],
    [[...from, '--tenant', 'acme', '--unknown']],
  ])('should refuse %p', (argv) => {
    expect(() => parseImportArgs(argv)).toThrow(ImportUsageError);
  });
});
