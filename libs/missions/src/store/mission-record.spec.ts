import { describe, expect, it } from '@jest/globals';
import type { Mission } from '../domain/mission.types.js';
import { missionFromRecord, missionToFields, splitForListpack } from './mission-record.js';

const record = (fields: string[]) => Object.fromEntries(fields.flatMap((_, i) => (i % 2 === 0 ? [[fields[i], fields[i + 1]]] : [])));

describe(splitForListpack.name, () => {
  it('should keep a value of up to 64 bytes whole', () => {
    expect(splitForListpack('x'.repeat(64))).toEqual(['x'.repeat(64)]);
    expect(splitForListpack('')).toEqual(['']);
  });

  it('should cut a longer value into pieces of at most 64 UTF-8 bytes that join back to it', () => {
    const value = `${'a'.repeat(63)}é${'ü🚀'.repeat(20)}\u0000"\\`;
    const sut = splitForListpack(value);
    expect(sut.length).toBeGreaterThan(1);
    expect(sut.join('')).toBe(value);
    for (const piece of sut) expect(Buffer.byteLength(piece)).toBeLessThanOrEqual(64);
    // Never inside a surrogate pair: every piece encodes without replacement characters.
    for (const piece of sut) expect(Buffer.from(piece).toString()).toBe(piece);
  });

  it('should keep a value whole past 24 pieces, where the hash cannot stay a listpack anyway', () => {
    expect(splitForListpack('x'.repeat(24 * 64 + 1))).toHaveLength(1);
  });
});

describe(missionToFields.name, () => {
  const mission: Mission = {
    id: 'm-1', name: 'Deploy', description: 'd'.repeat(150), data: { blob: 'y'.repeat(200), n: 0.30000000000000004 },
    status: 'PENDING', createdAt: 1703001234567, updatedAt: 1703001234567, tenantId: 'acme', createdBy: 'alice', version: 1,
  };

  it('should store no value above 64 bytes for a mission of a few hundred bytes, and read back the same mission', () => {
    const sut = missionToFields(mission);
    for (let i = 1; i < sut.length; i += 2) expect(Buffer.byteLength(sut[i])).toBeLessThanOrEqual(64);
    expect(missionFromRecord(record(sut), { tenantId: 'acme', missionId: 'm-1' })).toEqual(mission);
  });

  it('should store neither the id nor the tenant, which the key holds, and read them from the key', () => {
    const fields = missionToFields(mission).filter((_, i) => i % 2 === 0);
    expect(fields).not.toContain('id');
    expect(fields).not.toContain('tenant_id');
    expect(missionFromRecord(record(missionToFields(mission)), { tenantId: null, missionId: 'other' })).toEqual({ ...mission, id: 'other', tenantId: null });
  });

  it('should read a hash written with id and tenant_id fields (before) the same way', () => {
    const before = { ...record(missionToFields(mission)), id: 'm-1', tenant_id: 'acme' };
    expect(missionFromRecord(before, { tenantId: 'acme', missionId: 'm-1' })).toEqual(mission);
  });

  it('should read a missing hash (HGETALL answers {}) as null', () => {
    expect(missionFromRecord({}, { tenantId: 'acme', missionId: 'm-1' })).toBeNull();
  });

  it('should read a record written whole (before pieces) the same way', () => {
    const whole = { ...record(missionToFields({ ...mission, description: null, data: {} })), description: mission.description!, data: JSON.stringify(mission.data) };
    expect(missionFromRecord(whole, { tenantId: 'acme', missionId: 'm-1' })).toEqual(mission);
  });
});
