/** Path-parameter schemas shared by the routes. */

/** Tenant ids: lower-case letters, digits and dashes. */
export const TENANT_ID = '^[a-z0-9][a-z0-9-]{0,62}$';

/** `{tenant}` routes. */
export const tenantParams = {
  type: 'object',
  required: ['tenant'],
  properties: { tenant: { type: 'string', pattern: TENANT_ID } },
} as const;

/** `{tenant}/.../{id}` routes. */
export const idParams = {
  type: 'object',
  properties: { tenant: { type: 'string', pattern: TENANT_ID }, id: { type: 'string', maxLength: 100 } },
} as const;
