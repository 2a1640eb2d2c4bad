"""Customers (tenants some partner knows) and their billing profiles. A partner's
relationship with a customer is in `api.relationships`."""
