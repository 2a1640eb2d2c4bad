"""The relationship lifecycle between a partner and a customer.

`reseller.py` establishes, locks and removes reseller relationships; `delegated_admin.py`
grants DAP and walks it through REVOKING to REVOKED. Invitations, removals, orders and
the seed all go through these, so each rule is written once.
"""
