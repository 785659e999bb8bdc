-- Federal Register source metadata on artefact records (what documents.json says of each document), so an artefact
-- has a timeline (proposed → comments close → final → effective → corrections) and digests know its deadlines.
ALTER TABLE artefacts
    ADD COLUMN document_type     text,
    ADD COLUMN action            text,
    ADD COLUMN abstract          text,
    ADD COLUMN publication_date  date,
    ADD COLUMN effective_on      date,
    ADD COLUMN comments_close_on date,
    ADD COLUMN citation          text,
    ADD COLUMN html_url          text,      -- the URL key (UrlNormalizer.Key) of the document's page, to find its article
    ADD COLUMN pdf_url           text,
    ADD COLUMN rins              text[] NOT NULL DEFAULT '{}',   -- canonical ids: rin:0694-AJ12
    ADD COLUMN docket_ids        text[] NOT NULL DEFAULT '{}',   -- docket:BIS-2025-0012
    ADD COLUMN cfr_parts         text[] NOT NULL DEFAULT '{}',   -- cfr:15-744
    ADD COLUMN correction_of     text,                           -- fr-doc: id of the corrected document
    ADD COLUMN updated_at        timestamptz;
CREATE INDEX artefacts_rins_idx ON artefacts USING gin (rins) WHERE document_type IS NOT NULL;
CREATE INDEX artefacts_dockets_idx ON artefacts USING gin (docket_ids) WHERE document_type IS NOT NULL;
CREATE INDEX artefacts_cfr_idx ON artefacts USING gin (cfr_parts) WHERE document_type IS NOT NULL;
CREATE INDEX artefacts_correction_idx ON artefacts (correction_of) WHERE correction_of IS NOT NULL;
CREATE INDEX artefacts_comments_idx ON artefacts (comments_close_on) WHERE comments_close_on IS NOT NULL;
CREATE INDEX artefacts_effective_idx ON artefacts (effective_on) WHERE effective_on IS NOT NULL;
CREATE INDEX artefacts_published_idx ON artefacts (publication_date) WHERE document_type IS NOT NULL;
CREATE INDEX artefacts_html_url_idx ON artefacts (html_url) WHERE html_url IS NOT NULL;

-- Entity List changes read from the rules that make them (Supplement No. 4 to part 744 of the EAR): who was added,
-- revised or removed, under which country, with the aliases as the rule writes them. Replaced when the article is.
CREATE TABLE entity_list_changes (
    article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    seq        int    NOT NULL,
    action     text   NOT NULL CHECK (action IN ('add', 'revise', 'remove')),
    entity     text   NOT NULL,
    country    text,
    aliases    text[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (article_id, seq)
);
CREATE INDEX entity_list_changes_entity_idx ON entity_list_changes (lower(entity));
