-- Where each stored metadata value came from (feed, json-ld, meta, h1, time, byline, visible-text, url, ...) and how
-- strong that source is: {"title": {"source": "h1", "strength": "Strong"}, ...}
ALTER TABLE articles ADD COLUMN metadata_sources jsonb;
