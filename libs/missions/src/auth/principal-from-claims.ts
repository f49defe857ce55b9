import type { Principal } from '../domain/principal.js';

type Claims = Record<string, unknown>;

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

// A lone UTF-16 surrogate cannot be encoded into a Redis key faithfully (it would become
// U+FFFD and could collide with another tenant's id), so such ids are refused like wrong types.
function isId(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && value.isWellFormed();
}

// undefined = wrong type. "" is refused, not read as null: a tenant "" next to the null
// tenant would be two spellings of "none", one storage-encoding slip away from sharing data.
function optionalString(claims: Claims, name: string): string | null | undefined {
  const value = claims[name];
  if (value === undefined || value === null) return null;
  return isId(value) ? value : undefined;
}

/** Whether `value` is a well-formed {@link Principal} (used for what a host app supplies). */
export function isPrincipal(value: unknown): value is Principal {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return (
    isId(p.principal_id) &&
    (p.tenant_id === null || isId(p.tenant_id)) &&
    (p.app_id === null || isId(p.app_id)) &&
    isStringArray(p.roles)
  );
}

// null → 401. `exp` is checked here because jsonwebtoken accepts a token without one.
export function principalFromClaims(claims: unknown): Principal | null {
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return null;
  const c = claims as Claims;
  if (typeof c.exp !== 'number' || !Number.isFinite(c.exp)) return null;
  if (!isId(c.sub)) return null;

  const tenantId = optionalString(c, 'tenant_id');
  const appId = optionalString(c, 'app_id');
  const azp = optionalString(c, 'azp');
  const roles = c.roles ?? [];
  if (tenantId === undefined || appId === undefined || azp === undefined || !isStringArray(roles)) return null;

  return { principal_id: c.sub, tenant_id: tenantId, app_id: appId ?? azp, roles: [...roles] };
}
