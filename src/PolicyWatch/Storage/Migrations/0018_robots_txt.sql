-- robots.txt answers shared by every process, so N workers fetch a site's robots.txt once per cache period, not N times.
-- Only answers that give rules are kept (a body, or '' for "no rules": a 4xx); failures are retried by each process.
CREATE TABLE robots_txt (
    origin      text PRIMARY KEY,          -- scheme://host[:port]
    body        text NOT NULL,             -- the robots.txt text as fetched (at most 500,000 characters), '' for none
    fetched_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);
