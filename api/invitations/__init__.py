"""Reseller relationship requests: draft, delivery, acceptance."""
