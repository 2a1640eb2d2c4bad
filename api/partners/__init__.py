"""Partners (tenants that resell) and provider-reseller links."""
