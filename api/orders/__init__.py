"""Orders, accepted only where reseller relationships exist."""
