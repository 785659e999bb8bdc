-- Saved searches as alerts: what is new since the analyst last ran one.
ALTER TABLE saved_searches ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX articles_discovered_idx ON articles (discovered_at);
