-- newsprism schema version 6 (PostgreSQL): same index as ../0006_entity_global_index.sql.
CREATE INDEX IF NOT EXISTS entities_global ON entities (global_id);
