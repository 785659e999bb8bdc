-- Digest subscribers and the one row per (subscriber, local delivery date) that makes sending idempotent.
CREATE TABLE subscribers (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email       text        NOT NULL UNIQUE,
    name        text,
    topics      text[]      NOT NULL DEFAULT '{}',
    min_score   real        NOT NULL DEFAULT 0.5,
    send_time   time        NOT NULL DEFAULT '07:00',
    time_zone   text        NOT NULL DEFAULT 'UTC',
    frequency   text        NOT NULL DEFAULT 'daily' CHECK (frequency IN ('daily', 'weekdays')),
    send_empty  boolean     NOT NULL DEFAULT false,
    active      boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE digest_deliveries (
    subscriber_id bigint      NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    period_date   date        NOT NULL,
    status        text        NOT NULL CHECK (status IN ('sending', 'sent', 'skipped', 'failed')),
    attempts      integer     NOT NULL DEFAULT 0,
    claimed_until timestamptz,
    period_start  timestamptz,
    period_end    timestamptz,
    articles      integer,
    message_id    text,
    error         text,
    sent_at       timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subscriber_id, period_date)
);
