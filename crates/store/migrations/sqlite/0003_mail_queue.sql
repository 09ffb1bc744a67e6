-- The outgoing mail queue (issue #10): mail waits here until delivered, so a crash
-- or restart loses none. Times are Unix seconds.

-- `id` is stable (the Message-ID derives from it). `due_at` is when a queued mail may
-- next be claimed; a claim moves it to the end of its lease. `body` and `links` (a
-- JSON array) may hold live single-use links: they are cleared (NULL, '[]') once
-- the mail is delivered or abandoned, and the row is purged a day later.
CREATE TABLE mail_queue (
    id          TEXT PRIMARY KEY,
    recipient   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT,
    links       TEXT NOT NULL DEFAULT '[]',
    queued_at   INTEGER NOT NULL,
    status      TEXT NOT NULL DEFAULT 'queued'
                CHECK (status IN ('queued', 'delivered', 'abandoned')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    due_at      INTEGER NOT NULL,
    finished_at INTEGER
);
-- What a claim reads: the queued mails, oldest due first.
CREATE INDEX mail_queue_due ON mail_queue(due_at, id) WHERE status = 'queued';
-- What the purge reads.
CREATE INDEX mail_queue_finished ON mail_queue(finished_at) WHERE status <> 'queued';
