"""The audit log: who did what, per partner."""
