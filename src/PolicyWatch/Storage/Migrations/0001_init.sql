-- Sources from feeds.json (synced by slug) with their polling state.
CREATE TABLE sources (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug             text        NOT NULL UNIQUE,
    name             text        NOT NULL,
    url              text        NOT NULL,
    kind             text        NOT NULL,
    category         text,
    region           text,
    language         text,
    enabled          boolean     NOT NULL DEFAULT true,
    poll_interval    interval    NOT NULL DEFAULT interval '1 hour',
    weight           real        NOT NULL DEFAULT 1,
    config           jsonb       NOT NULL DEFAULT '{}'::jsonb,
    -- adaptive schedule: the interval in force now, between a floor and a ceiling derived from poll_interval
    current_interval interval    NOT NULL DEFAULT interval '1 hour',
    next_poll_at     timestamptz NOT NULL DEFAULT now(),
    last_polled_at   timestamptz,
    last_success_at  timestamptz,
    last_new_item_at timestamptz,
    avg_item_gap     interval,
    -- conditional GET state; validators_ignored once the server was caught answering 304 for changed content
    etag             text,
    last_modified    text,
    feed_hash        text,
    not_modified_streak integer  NOT NULL DEFAULT 0,
    last_full_fetch_at timestamptz,
    validators_ignored boolean   NOT NULL DEFAULT false,
    items_total      bigint      NOT NULL DEFAULT 0,
    error_count      integer     NOT NULL DEFAULT 0,
    last_error       text,
    healthy          boolean     NOT NULL DEFAULT true,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sources_due_idx ON sources (next_poll_at) WHERE enabled;

-- One row per article, whatever number of feeds or redirects led to it: the canonical URL is the identity.
CREATE TABLE articles (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id         bigint      NOT NULL REFERENCES sources (id),
    url               text        NOT NULL,
    canonical_url     text        NOT NULL UNIQUE,
    content_hash      text,
    title             text,
    authors           text[]      NOT NULL DEFAULT '{}',
    description       text,
    published_at      timestamptz,
    modified_at       timestamptz,
    fetched_at        timestamptz,
    language          text,
    site_name         text,
    content_kind      text,
    page_count        integer,
    image_url         text,
    body              text,
    extraction_method text,
    status            text        NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'processed', 'failed', 'skipped')),
    error             text,
    attempts          integer     NOT NULL DEFAULT 0,
    -- a worker's lease while it fetches; another worker skips the article until it lapses
    claimed_until     timestamptz,
    next_attempt_at   timestamptz NOT NULL DEFAULT now(),
    discovered_at     timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX articles_source_published_idx ON articles (source_id, published_at DESC);
CREATE INDEX articles_published_idx ON articles (published_at DESC);
CREATE INDEX articles_pending_idx ON articles (next_attempt_at) WHERE status = 'pending';

-- Every URL known to lead to an article (feed links, redirect targets, canonical URLs): a feed listing any of
-- them again is recognised without a fetch, and a page whose canonical URL is already stored merges into it.
CREATE TABLE article_urls (
    url        text   PRIMARY KEY,
    article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE
);
CREATE INDEX article_urls_article_idx ON article_urls (article_id);

-- Topic tags; each records the model that produced it so re-tagging can find stale ones.
CREATE TABLE article_topics (
    article_id    bigint      NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    topic         text        NOT NULL,
    score         real        NOT NULL CHECK (score >= 0 AND score <= 1),
    model_version text        NOT NULL,
    explanation   jsonb,
    tagged_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (article_id, topic)
);
CREATE INDEX article_topics_topic_idx ON article_topics (topic, score DESC);
