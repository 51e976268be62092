-- newsprism schema version 6: an index on entities.global_id, so that one entity's descriptors
-- and quotes across the corpus (Store.entity_descriptors, Store.entity_quotes; the web app's
-- entity page) are read without scanning every article's entities.
CREATE INDEX IF NOT EXISTS entities_global ON entities (global_id);
