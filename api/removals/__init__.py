"""Removing a reseller relationship, and the DAP revocation that follows it."""
