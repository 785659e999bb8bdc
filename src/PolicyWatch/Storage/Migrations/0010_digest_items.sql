-- Which articles each subscriber's digests have carried: every matching article goes to exactly one digest,
-- whenever it was published or found (digest periods are on the time an article was stored).
CREATE TABLE digest_items (
    subscriber_id bigint NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    article_id    bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    period_date   date   NOT NULL,
    PRIMARY KEY (subscriber_id, article_id)
);
CREATE INDEX digest_items_period_idx ON digest_items (period_date);
-- deleting an article (a merge into its canonical copy) finds its rows here
CREATE INDEX digest_items_article_idx ON digest_items (article_id);
