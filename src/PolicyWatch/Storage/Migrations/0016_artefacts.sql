-- Policy instruments (rules, orders, bills, ECCNs, named lists) as records, and the articles that cite them, with
-- where and in which sentence. Filled from every stored article by the reference recogniser.
CREATE TABLE artefacts (
    id          text PRIMARY KEY,              -- canonical id: eccn:3A090, eo:14110, cfr:15-744.21, list:entity-list, ...
    kind        text NOT NULL,
    title       text,
    agency      text,
    status      text,
    first_seen  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE article_artefacts (
    article_id    bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    artefact_id   text   NOT NULL REFERENCES artefacts (id),
    start_offset  int    NOT NULL,   -- UTF-16 code units of the article body
    end_offset    int    NOT NULL,
    sentence      text   NOT NULL,
    PRIMARY KEY (article_id, artefact_id)
);
CREATE INDEX article_artefacts_artefact_idx ON article_artefacts (artefact_id, article_id);
