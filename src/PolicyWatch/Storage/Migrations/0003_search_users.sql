-- Full text: title (A), description or lead (B), body (C). Stemmed English for English articles, the language-neutral
-- 'simple' configuration for everything else; the body is cut at 500,000 characters to stay clear of the 1 MB tsvector limit.
ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector(CASE WHEN language IS NULL OR language = 'en' THEN 'english'::regconfig ELSE 'simple'::regconfig END, coalesce(title, '')), 'A') ||
    setweight(to_tsvector(CASE WHEN language IS NULL OR language = 'en' THEN 'english'::regconfig ELSE 'simple'::regconfig END, coalesce(description, '')), 'B') ||
    setweight(to_tsvector(CASE WHEN language IS NULL OR language = 'en' THEN 'english'::regconfig ELSE 'simple'::regconfig END, left(coalesce(body, ''), 500000)), 'C')
) STORED;
CREATE INDEX articles_search_idx ON articles USING gin (search);
CREATE INDEX articles_language_idx ON articles (language);

CREATE TABLE users (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      text        NOT NULL UNIQUE,
    password_hash text        NOT NULL,
    role          text        NOT NULL CHECK (role IN ('analyst', 'admin')),
    created_at    timestamptz NOT NULL DEFAULT now()
);

-- API keys are shown once; only their SHA-256 is kept.
CREATE TABLE api_keys (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    key_hash     text        NOT NULL UNIQUE,
    prefix       text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);

CREATE TABLE saved_searches (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       text        NOT NULL,
    query      jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, name)
);
