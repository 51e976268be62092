-- newsprism schema version 3 (PostgreSQL): the story clusterer's state; see ../0003_story_state.sql.
CREATE TABLE story_state (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    articles    BIGINT NOT NULL,
    state       BYTEA NOT NULL
);
