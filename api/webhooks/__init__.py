"""Outgoing webhooks: a partner's own systems (PSA, CRM, ticketing) told what happened.

`subscriptions.py` holds what a partner subscribes (an https endpoint, the events it
wants, its signing secret); `delivery.py` turns an event into one delivery per
subscription inside the change's transaction and delivers it through the outbox,
retrying for more than a day; the signing and the HTTP call are an integration
(`api.integrations.webhooks`).
"""
