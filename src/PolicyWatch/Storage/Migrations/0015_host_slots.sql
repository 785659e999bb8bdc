-- Politeness across processes: the next moment a request to each host may start, shared by every worker, so N
-- processes together keep one host's configured delay.
CREATE TABLE host_slots (
    host        text PRIMARY KEY,
    next_start  timestamptz NOT NULL
);
