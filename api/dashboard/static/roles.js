// Who may see and do what: DESIGN.md section 2, as the UI applies it.
//
// The API enforces this table; the UI mirrors it so that it never asks for a field the
// role may not read (a column the role may not see is absent, not an error).

export const PARTNER_ROLES = ['GLOBAL_ADMIN', 'ADMIN_AGENT', 'SALES_AGENT', 'HELPDESK_AGENT', 'BILLING_ADMIN'];

const GA = 'GLOBAL_ADMIN';
const AA = 'ADMIN_AGENT';
const SA = 'SALES_AGENT';
const HA = 'HELPDESK_AGENT';
const BA = 'BILLING_ADMIN';

export const CAPABILITIES = Object.freeze({
  viewCustomers: [GA, AA, SA, HA, BA],
  viewBillingProfile: [GA, AA, SA, BA],
  viewAdminRelationships: [GA, AA], // Customer.delegatedAdmin, Customer.gdapRelationships
  manageInvitations: [GA, AA, SA], // invitations, url, draft, request/send/cancel
  manageRemovals: [GA, AA, SA], // remove a relationship, list removals
  placeOrders: [GA, AA, SA], // also Customer.orders
  viewAuditLog: [GA, AA],
  subscribe: [GA, AA, SA],
});

/** The capabilities of a partner principal with these roles (unknown roles grant nothing). */
export function capabilitiesFor(roles) {
  const held = new Set(roles ?? []);
  const result = {};
  for (const [name, allowed] of Object.entries(CAPABILITIES)) {
    result[name] = allowed.some((role) => held.has(role));
  }
  return Object.freeze(result);
}
