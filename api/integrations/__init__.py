"""Everything that talks to systems outside ours: mail (SMTP) and Microsoft Partner Center."""
