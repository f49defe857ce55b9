/**
 * Who is calling. Built from JWT claims by the built-in guard, or supplied by the host app.
 * `tenant_id` null is a tenant of its own (the contract's "no tenant").
 */
export interface Principal {
  principal_id: string;
  tenant_id: string | null;
  app_id: string | null;
  roles: string[];
}
