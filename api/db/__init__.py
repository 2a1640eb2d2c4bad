"""The database: Tortoise configuration and migrations, `atomic()` (one change, one
transaction), the transactional outbox and its relay, and keyset ordering."""
