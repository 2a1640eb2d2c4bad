"""Database configuration, migrations and the transactional outbox."""
