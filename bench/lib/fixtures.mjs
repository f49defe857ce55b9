// What the load and the seeds send: one realistic mission shape, and bearer tokens per tenant.
import jwt from 'jsonwebtoken';

export const BENCH_SECRET = 'bench-secret-with-enough-entropy-0123456789';

/**
 * name ~20 characters, description ~60, data ~100 bytes serialized: the size the issue
 * asks memory per mission to be measured with.
 */
export function missionBody(i = 0) {
  return {
    name: `Deploy api v2.${String(i % 1000).padStart(3, '0')}-rc`,
    description: 'Roll out the new API build to the EU cluster behind a canary',
    data: { env: 'production', region: 'eu-west-1', replicas: 6, image: 'registry.local/api:2.14.3', canary: true },
  };
}

export const LOG_BODY = { level: 'info', message: 'step 3/7: migrated 1200 rows', data: { rows: 1200 } };

export function bearerFor(tenant, sub = 'bench-user') {
  const token = jwt.sign({ sub, tenant_id: tenant }, BENCH_SECRET, { algorithm: 'HS256', expiresIn: '2h' });
  return `Bearer ${token}`;
}

/** The bare and old-pattern servers trust the token's claims unverified: they model storage work only. */
export function tenantOfBearer(header) {
  const payload = header?.split(' ')[1]?.split('.')[1];
  if (!payload) return null;
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')).tenant_id ?? null;
}
