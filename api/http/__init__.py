"""The web side: the GraphQL endpoint over HTTP and websockets, authentication,
middleware, the customer's invitation page and the dashboard (`api.app` assembles them)."""
