-- Saved searches as alerts: what is new since the analyst last ran one.
ALTER TABLE saved_searches ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();
-- "new" means stored since: fetched (processed) or, before that, found
CREATE INDEX articles_stored_idx ON articles ((coalesce(fetched_at, discovered_at)));
