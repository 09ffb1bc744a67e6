-- Plans and billing. One account per team that ever left Free: the billing domain's
-- state (JSON it owns), when the account next needs the server (`due_at`: a renewal,
-- a retry, the end of a grace period; NULL: never by itself) and the revision every
-- write names, so two writes computed from one read cannot both land. Its invoices
-- (`document`: the billing domain's whole invoice, JSON), each numbered uniquely within
-- its team and listed newest first; and the payment provider's webhook events already
-- taken, so a replayed one is taken once.

CREATE TABLE billing_accounts (
    team_id    TEXT PRIMARY KEY REFERENCES teams(id) ON DELETE CASCADE,
    state      TEXT NOT NULL,
    due_at     INTEGER,
    revision   INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX billing_accounts_due ON billing_accounts(due_at);

CREATE TABLE billing_invoices (
    id           TEXT PRIMARY KEY,
    team_id      TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    number       TEXT NOT NULL,
    issued_at    INTEGER NOT NULL,
    period_start INTEGER NOT NULL,
    period_end   INTEGER NOT NULL,
    total_minor  INTEGER NOT NULL,
    currency     TEXT NOT NULL,
    status       TEXT NOT NULL,
    document     TEXT NOT NULL,
    charge_id    TEXT,
    updated_at   INTEGER NOT NULL,
    UNIQUE (team_id, number)
);
CREATE INDEX billing_invoices_newest ON billing_invoices(team_id, issued_at DESC, id DESC);

CREATE TABLE billing_webhook_events (
    event_id    TEXT PRIMARY KEY,
    received_at INTEGER NOT NULL
);
