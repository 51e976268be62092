"""ingest/readers stage."""
