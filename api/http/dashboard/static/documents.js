// The GraphQL fields the dashboard shares between its operations (lists, pages, live
// events and mutation payloads ask for the same shape, so one view can draw another's
// data). Fields a role may not read are asked for only under @include(if: $capability).

export const INVITATION_FIELDS = `
  id kind status recipientEmail channel includeDelegatedAdmin createdAt sentAt acceptedAt
  expiresAt deliveryAttempts lastDeliveryError
  customer { id tenantId companyName }
  indirectProvider { id name partnerId }`;

export const GDAP_FIELDS = 'id displayName status roles createdAt endsAt';

// Retained GDAP relationships are admin relationship data: asked for only where the
// viewer may see them ($admin).
export const REMOVAL_FIELDS = `id customerTenantId customerName status reason requestedBy requestedAt completedAt
  delegatedAdminRevoked legalNotice
  gdapRelationshipsRetained @include(if: $admin) { ${GDAP_FIELDS} }`;
