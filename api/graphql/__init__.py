"""The GraphQL layer: the schema and what every operation goes through."""
