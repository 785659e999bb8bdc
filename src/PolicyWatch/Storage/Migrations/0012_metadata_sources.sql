-- Where each stored metadata value came from (feed, json-ld, meta, h1, time, byline, visible-text, url, ...) and how
-- strong that source is: {"title": {"source": "h1", "strength": "Strong"}, ...}
ALTER TABLE articles ADD COLUMN metadata_sources jsonb;
-- what the feed said, kept apart from the stored values so that re-processing weighs the feed, not an earlier page
ALTER TABLE articles ADD COLUMN feed_title text, ADD COLUMN feed_published_at timestamptz;
