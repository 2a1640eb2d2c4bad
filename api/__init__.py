"""Partner Connect: the GraphQL service CSP partners use to connect with customers."""
