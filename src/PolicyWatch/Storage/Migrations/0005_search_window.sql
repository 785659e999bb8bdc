-- Search finds the newest matches first (then ranks inside that window): an index in the order it reads them.
CREATE INDEX articles_sort_idx ON articles ((coalesce(published_at, discovered_at)) DESC, id DESC) WHERE status = 'processed';
