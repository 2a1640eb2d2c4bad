"""Customers, a partner's relationship records with them, and their admin grants."""
