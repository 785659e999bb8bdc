-- Each tag carries its article's date, so "the newest articles on a topic" (search with a topic filter, digests,
-- week-on-week counts) is one index range instead of a probe per article. Triggers keep the copy true whatever
-- writes the tags or the article's dates.
ALTER TABLE article_topics ADD COLUMN sort_date timestamptz;

UPDATE article_topics t SET sort_date = coalesce(a.published_at, a.discovered_at) FROM articles a WHERE a.id = t.article_id;

CREATE FUNCTION article_topics_sort_date() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- FOR SHARE waits for a transaction changing the article's dates, so the tag gets the committed date
    NEW.sort_date := (SELECT coalesce(a.published_at, a.discovered_at) FROM articles a WHERE a.id = NEW.article_id FOR SHARE);
    RETURN NEW;
END $$;

CREATE TRIGGER article_topics_sort_date BEFORE INSERT OR UPDATE OF article_id, sort_date ON article_topics
    FOR EACH ROW EXECUTE FUNCTION article_topics_sort_date();

CREATE FUNCTION articles_topic_dates() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE article_topics SET sort_date = coalesce(NEW.published_at, NEW.discovered_at) WHERE article_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER articles_topic_dates AFTER UPDATE OF published_at, discovered_at ON articles
    FOR EACH ROW WHEN (coalesce(OLD.published_at, OLD.discovered_at) IS DISTINCT FROM coalesce(NEW.published_at, NEW.discovered_at))
    EXECUTE FUNCTION articles_topic_dates();

ALTER TABLE article_topics ALTER COLUMN sort_date SET NOT NULL;
CREATE INDEX article_topics_topic_date_idx ON article_topics (topic, sort_date DESC) INCLUDE (score, article_id);
CREATE INDEX article_topics_date_idx ON article_topics (sort_date);
ANALYZE article_topics;
