-- Analysts' verdicts on tags: confirm or reject a tag the model gave, or add one it missed. The latest verdict
-- per (article, topic) wins; `policywatch train` turns them into training examples, and re-tagging respects them.
CREATE TABLE topic_feedback (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    article_id bigint      NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    topic      text        NOT NULL,
    verdict    text        NOT NULL CHECK (verdict IN ('confirm', 'reject', 'add')),
    username   text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX topic_feedback_article_idx ON topic_feedback (article_id, topic, created_at DESC);
