-- Saved searches as digest sections: a subscriber follows any number of them, beside (or instead of) topics.
CREATE TABLE subscriber_searches (
    subscriber_id   bigint NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    saved_search_id bigint NOT NULL REFERENCES saved_searches (id) ON DELETE CASCADE,
    PRIMARY KEY (subscriber_id, saved_search_id)
);
CREATE INDEX subscriber_searches_search_idx ON subscriber_searches (saved_search_id);
