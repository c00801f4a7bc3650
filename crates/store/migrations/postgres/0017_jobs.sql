-- Work done later or in the background (due checks, newsletter sends), one row per
-- job. A node claims a due job by taking its lease (lease_owner, lease_until, Unix
-- seconds); a lease that runs out lets another node take the job again. A failed
-- attempt waits until run_at (backoff) or, at max_attempts, ends the job as failed.
CREATE TABLE jobs (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind TEXT NOT NULL,
    -- One open job per key: enqueueing the same key again moves its time instead.
    key TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    run_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    lease_owner TEXT,
    lease_until BIGINT,
    last_error TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE UNIQUE INDEX jobs_open_key ON jobs (key) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_due ON jobs (state, run_at);
CREATE INDEX jobs_recent ON jobs (created_at);
