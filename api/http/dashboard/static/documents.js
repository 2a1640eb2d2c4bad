// Every GraphQL document the dashboard sends, in one place: the shared field sets
// first (lists, pages, live events and mutation payloads ask for the same shape, so
// one view can draw another's data), then the operations, by the view that sends them.
//
// Plain template strings only, interpolating earlier constants: tests/test_dashboard_documents.py
// reads this file and checks every operation against schema.graphql for every role.

// Fields a role may not read are asked for only under @include(if: $variable); each such
// variable is set from the capability it stands for (session.guardVariables()).
export const GUARDS = {
  billing: 'VIEW_BILLING_PROFILE',
  admin: 'VIEW_ADMIN_RELATIONSHIPS',
  invitations: 'MANAGE_INVITATIONS',
  orders: 'PLACE_ORDERS',
  removals: 'MANAGE_REMOVALS',
};

export const INVITATION_FIELDS = `
  id kind status recipientEmail channel includeDelegatedAdmin createdAt sentAt acceptedAt
  expiresAt deliveryAttempts lastDeliveryError
  customer { id tenantId companyName }
  indirectProvider { id name partnerId }`;

export const GDAP_FIELDS = 'id displayName status roles createdAt endsAt';

// Retained GDAP relationships are admin relationship data: asked for only where the
// viewer may see them ($admin).
export const REMOVAL_FIELDS = `id customerTenantId customerName status reason requestedBy requestedAt completedAt
  delegatedAdminRevoked legalNotice error { code }
  gdapRelationshipsRetained @include(if: $admin) { ${GDAP_FIELDS} }`;

// Who is signed in (session.js)

export const VIEWER = `query Viewer {
  viewer { userId tenantId roles capabilities partner { id name partnerId kind } }
}`;

// Live events (live.js)

export const INVITATION_ACCEPTED = `subscription InvitationAccepted {
  invitationAccepted { customerTenantId acceptedAt invitation { ${INVITATION_FIELDS} } }
}`;

export const INVITATION_UPDATED = `subscription InvitationUpdated { invitationUpdated { ${INVITATION_FIELDS} } }`;

export const RELATIONSHIP_EVENTS = `subscription RelationshipEvents {
  relationshipEvents {
    kind customerTenantId occurredAt
    removal { id customerTenantId customerName status delegatedAdminRevoked completedAt error { code } }
  }
}`;

// The customer list (views/customers.js)

export const CUSTOMERS = `query Customers($first: Int!, $after: String, $search: String, $billing: Boolean!, $admin: Boolean!, $removals: Boolean!, $reseller: Boolean!, $provider: Boolean!) {
  customers(first: $first, after: $after, search: $search) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id tenantId companyName defaultDomain relationshipToPartner acquisitionChannel canTransact
      indirectProvider @include(if: $reseller) { name }
      indirectReseller @include(if: $provider) { name }
      billingProfile @include(if: $billing) { contactName contactEmail }
      delegatedAdmin @include(if: $admin) { status }
      failedRemoval @include(if: $removals) { id error { code } }
    } }
  }
}`;

// The customer list's sync with Partner Center (views/customers.js)

export const CUSTOMER_SYNC_FIELDS = 'available pending lastSyncedAt created updated unchanged failed flagged';

export const CUSTOMER_SYNC = `query CustomerSync { customerSync { ${CUSTOMER_SYNC_FIELDS} } }`;

export const SYNC_CUSTOMERS = `mutation SyncCustomers {
  syncCustomers { customerSync { ${CUSTOMER_SYNC_FIELDS} } userErrors { field message code } }
}`;

// One customer (views/customer.js)

export const CUSTOMER = `query Customer($id: ID!, $billing: Boolean!, $admin: Boolean!, $invitations: Boolean!, $orders: Boolean!, $removals: Boolean!) {
  customer(id: $id) {
    id tenantId companyName defaultDomain relationshipToPartner relationshipEstablishedAt
    acquisitionChannel canTransact
    indirectProvider { name partnerId }
    indirectReseller { name partnerId }
    billingProfile @include(if: $billing) {
      contactName contactEmail phone culture language
      address { line1 line2 city region postalCode country }
    }
    delegatedAdmin @include(if: $admin) { status grantedAt revokedAt }
    gdapRelationships @include(if: $admin) { ${GDAP_FIELDS} }
    failedRemoval @include(if: $removals) { id error { code } }
    invitations(first: 20) @include(if: $invitations) {
      totalCount
      edges { node { id kind status recipientEmail createdAt sentAt acceptedAt expiresAt indirectProvider { name } } }
    }
    orders(first: 20) @include(if: $orders) {
      totalCount
      edges { node { id offerId quantity createdAt placedBy { name } onBehalfOf { name } } }
    }
  }
}`;

// Requesting a relationship (views/invite.js)

// Only the customers this partner knows and does not resell to: the ones it may invite.
export const INVITE_CANDIDATES = `query Candidates($search: String, $billing: Boolean!) {
  customers(first: 8, search: $search, relationship: NONE) {
    totalCount
    edges { node { id companyName defaultDomain billingProfile @include(if: $billing) { contactEmail } } }
  }
}`;

export const INVITE_CUSTOMER = `query InviteCustomer($id: ID!, $billing: Boolean!) {
  customer(id: $id) { id companyName defaultDomain relationshipToPartner billingProfile @include(if: $billing) { contactEmail } }
}`;

export const INDIRECT_PROVIDERS = `query Providers { indirectProviders { id name partnerId } }`;

export const REQUEST_RELATIONSHIP = `mutation Request($input: RequestResellerRelationshipInput!) {
  requestResellerRelationship(input: $input) {
    invitation { id }
    userErrors { field message code }
  }
}`;

// Invitations (views/invitations.js)

export const INVITATIONS = `query Invitations($first: Int!, $after: String, $status: [InvitationStatus!]) {
  invitations(first: $first, after: $after, status: $status) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { ${INVITATION_FIELDS} } }
  }
}`;

// One invitation: its draft, sending and cancelling (views/invitation.js)

export const FULL_INVITATION_FIELDS = `${INVITATION_FIELDS} url draft { subject body mailtoUrl }`;

export const INVITATION = `query Invitation($id: ID!) { node(id: $id) { ... on Invitation { ${FULL_INVITATION_FIELDS} } } }`;

export const SEND_INVITATION = `mutation Send($input: SendInvitationInput!) {
  sendInvitation(input: $input) { invitation { ${FULL_INVITATION_FIELDS} } userErrors { field message code } }
}`;

export const CANCEL_INVITATION = `mutation Cancel($input: CancelInvitationInput!) {
  cancelInvitation(input: $input) { invitation { ${FULL_INVITATION_FIELDS} } userErrors { field message code } }
}`;

// Removing a relationship (views/remove.js)

export const PREPARE_REMOVAL = `query PrepareRemoval($id: ID!, $admin: Boolean!, $language: String!) {
  customer(id: $id) {
    id companyName defaultDomain relationshipToPartner
    delegatedAdmin @include(if: $admin) { status }
    gdapRelationships @include(if: $admin) { ${GDAP_FIELDS} }
  }
  removalAttestation(language: $language) { version language text legalNotice }
}`;

export const REMOVE_RELATIONSHIP = `mutation Remove($input: RemoveResellerRelationshipInput!, $admin: Boolean!) {
  removeResellerRelationship(input: $input) { removal { ${REMOVAL_FIELDS} } userErrors { field message code } }
}`;

// Removals (views/removal.js)

export const REMOVAL = `query Removal($id: ID!, $admin: Boolean!, $language: String!) {
  node(id: $id) { ... on RelationshipRemoval { ${REMOVAL_FIELDS} } }
  removalAttestation(language: $language) { version language text legalNotice }
}`;

export const RETRY_REMOVAL = `mutation Retry($input: RetryRemovalInput!, $admin: Boolean!) {
  retryRemoval(input: $input) { removal { ${REMOVAL_FIELDS} } userErrors { field message code } }
}`;

export const REMOVALS = `query Removals($first: Int!, $after: String) {
  relationshipRemovals(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id customerName customerTenantId status requestedAt completedAt delegatedAdminRevoked error { code } } }
  }
}`;

// The customer's accept page (views/accept.js)

export const INVITATION_PREVIEW = `query Preview($token: String!) {
  viewer { tenantId roles partner { name } }
  invitationPreview(token: $token) {
    partnerName partnerId indirectProviderName includeDelegatedAdmin kind status expiresAt
    yourOrganisation { companyName defaultDomain } companyDetailsNeeded forAnotherOrganisation
  }
}`;

export const ACCEPT_INVITATION = `mutation Accept($input: AcceptInvitationInput!) {
  acceptInvitation(input: $input) { customerTenantId userErrors { field message code } }
}`;
