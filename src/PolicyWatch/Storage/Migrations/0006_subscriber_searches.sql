-- Saved searches as digest sections: a subscriber follows any number of them, beside (or instead of) topics.
CREATE TABLE subscriber_searches (
    subscriber_id   bigint NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    saved_search_id bigint NOT NULL REFERENCES saved_searches (id) ON DELETE CASCADE,
    PRIMARY KEY (subscriber_id, saved_search_id)
);
CREATE INDEX subscriber_searches_search_idx ON subscriber_searches (saved_search_id);

-- No topics and no saved searches means every topic; a subscriber whose digest was only the saved searches being
-- deleted (by their owner, or with the owner's account) is paused instead of switched to every topic.
CREATE FUNCTION saved_searches_pause_followers() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE subscribers s SET active = false
    WHERE s.active AND cardinality(s.topics) = 0
      AND EXISTS (SELECT 1 FROM subscriber_searches f WHERE f.subscriber_id = s.id AND f.saved_search_id = OLD.id)
      AND NOT EXISTS (SELECT 1 FROM subscriber_searches f WHERE f.subscriber_id = s.id AND f.saved_search_id <> OLD.id);
    RETURN OLD;
END $$;

CREATE TRIGGER saved_searches_pause_followers BEFORE DELETE ON saved_searches
    FOR EACH ROW EXECUTE FUNCTION saved_searches_pause_followers();
