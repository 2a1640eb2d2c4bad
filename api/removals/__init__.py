"""Removing a reseller relationship (`removal.py`), and the job that revokes DAP
afterwards (`revocation.py`): PENDING → COMPLETED, or FAILED after the last try."""
