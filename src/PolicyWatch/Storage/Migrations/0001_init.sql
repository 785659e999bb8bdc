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
    config           jsonb       NOT NULL DEFAULT '{}'::jsonb,
    next_poll_at     timestamptz NOT NULL DEFAULT now(),
    last_polled_at   timestamptz,
    last_success_at  timestamptz,
    last_new_item_at timestamptz,
    etag             text,
    last_modified    text,
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
    content_type      text,
    body              text,
    extraction_method text,
    status            text        NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'processed', 'failed', 'skipped')),
    error             text,
    attempts          integer     NOT NULL DEFAULT 0,
    discovered_at     timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX articles_source_published_idx ON articles (source_id, published_at DESC);
CREATE INDEX articles_published_idx ON articles (published_at DESC);
CREATE INDEX articles_unfinished_idx ON articles (status, discovered_at) WHERE status IN ('pending', 'failed');

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
