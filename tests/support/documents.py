"""GraphQL documents the tests send, written once."""

from strawberry.relay import GlobalID

from api.customers.models import Customer
from api.partners.models import Partner

INVITATION_FIELDS = """
    id kind status recipientEmail channel includeDelegatedAdmin url
    draft { subject body mailtoUrl }
    customer { id companyName }
    indirectProvider { id name }
    createdBy createdAt sentAt acceptedAt expiresAt deliveryAttempts lastDeliveryError
"""


def _invitation_mutation(field: str) -> str:
    input_type = field[0].upper() + field[1:] + "Input"
    return f"""
mutation($input: {input_type}!) {{
  {field}(input: $input) {{
    invitation {{ {INVITATION_FIELDS} }}
    userErrors {{ field message code }}
  }}
}}"""


REQUEST = _invitation_mutation("requestResellerRelationship")
SEND = _invitation_mutation("sendInvitation")
CANCEL = _invitation_mutation("cancelInvitation")

ACCEPT = """
mutation($input: AcceptInvitationInput!) {
  acceptInvitation(input: $input) { customerTenantId userErrors { field message code } }
}"""

PREVIEW = """
query($token: String!) {
  invitationPreview(token: $token) {
    partnerName partnerId indirectProviderName includeDelegatedAdmin kind status expiresAt
  }
}"""

INVITATION = f"""
query($id: ID!) {{ node(id: $id) {{ ... on Invitation {{ {INVITATION_FIELDS} }} }} }}"""

CUSTOMER = """
query($id: ID!) {
  customer(id: $id) {
    id tenantId companyName relationshipToPartner acquisitionChannel canTransact
    relationshipEstablishedAt
    indirectProvider { id name } indirectReseller { id name }
    delegatedAdmin { status grantedAt revokedAt }
    gdapRelationships { id displayName status }
  }
}"""


def _removal_mutation(gdap: str) -> str:
    """The removal mutation; `gdap` selects the retained GDAP relationships, which only
    roles that may see admin relationships may read."""
    return """
mutation($input: RemoveResellerRelationshipInput!) {
  removeResellerRelationship(input: $input) {
    removal {
      id customerTenantId customerName status reason requestedBy requestedAt completedAt
      delegatedAdminRevoked legalNotice GDAP
    }
    userErrors { field message code }
  }
}""".replace("GDAP", gdap)


REMOVE = _removal_mutation("gdapRelationshipsRetained { id displayName status }")
REMOVE_WITHOUT_GDAP = _removal_mutation("")

PLACE_ORDER = """
mutation($input: PlaceOrderInput!) {
  placeOrder(input: $input) {
    order { id offerId quantity placedBy { id } onBehalfOf { id } customer { id } createdAt }
    userErrors { field message code }
  }
}"""

AUDIT = """
query($action: AuditAction) {
  auditEvents(first: 100, action: $action) {
    edges { node { action actorUserId actorTenantId customerTenantId details } }
  }
}"""

NEW_COMPANY = {
    "companyName": "Northwind Health",
    "defaultDomain": "northwindhealth.onmicrosoft.com",
    "contactName": "Kim Akers",
    "contactEmail": "kim@northwindhealth.example",
    "country": "US",
    "language": "en",
}


def customer_id(customer: Customer) -> str:
    return str(GlobalID("Customer", str(customer.id)))


def partner_id(partner: Partner) -> str:
    return str(GlobalID("Partner", str(partner.id)))


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]
