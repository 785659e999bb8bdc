-- ASP.NET Core data-protection keys (they sign session cookies and anti-forgery tokens), shared by every web process
-- on this database, so that any replica accepts a cookie another one issued.
CREATE TABLE data_protection_keys (
    friendly_name text PRIMARY KEY,
    xml           text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
