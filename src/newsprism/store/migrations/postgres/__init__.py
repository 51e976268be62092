"""PostgreSQL's own SQL for each migration of the parent folder (same versions, same tables)."""
