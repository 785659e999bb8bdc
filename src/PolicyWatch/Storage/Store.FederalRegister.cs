using Dapper;
using PolicyWatch.Artefacts;

namespace PolicyWatch.Storage;

/// <summary>
/// A Federal Register document that touches a subscriber's digest: a comment deadline or effective date ahead, or a
/// rule published in the period. <see cref="Topics"/> are the topics of its own article and of the articles citing it.
/// </summary>
public sealed record DeadlineCandidate(string Id, string? Title, string DocumentType, string? Action, DateOnly? PublicationDate, DateOnly? EffectiveOn,
    DateOnly? CommentsCloseOn, string? Url, string[] Topics)
{
    /// <summary>A rule or proposed rule PolicyWatch first recorded in the digest's period.</summary>
    public bool NewInPeriod { get; init; }
    /// <summary>A correction: its effective date is the corrected rule's, not a deadline of its own.</summary>
    public bool IsCorrection { get; init; }
}

/// <summary>An Entity List change as search returns it: the entity, what the rule did, and the rule (its article, and its <c>fr-doc:</c> id when known).</summary>
public sealed record EntityListHit(string Entity, string? Country, string[] Aliases, string Action, long ArticleId, string? RuleTitle, string Url,
    DateTime? Published, string? DocumentId);

/// <summary>
/// Everything known of one artefact: the record, the Federal Register's account of it (null unless an <c>fr-doc:</c>
/// a Federal Register source described) and the stored article that is its page, its timeline, the Entity List changes
/// that article makes, and the articles citing it (newest first).
/// </summary>
public sealed record ArtefactDetail(Artefact Artefact, FederalRegisterDocument? Document, long? DocumentArticleId, IReadOnlyList<TimelineEvent> Timeline,
    IReadOnlyList<EntityListChange> EntityListChanges, IReadOnlyList<ArtefactCitingArticle> CitedBy);

public sealed partial class Store
{
    /// <summary>The artefact with this canonical id and all that is known of it (see <see cref="ArtefactDetail"/>), or null when it is unknown; at most <paramref name="limit"/> citing articles.</summary>
    public async Task<ArtefactDetail?> ArtefactDetailAsync(string id, int limit = 100, CancellationToken ct = default)
    {
        if (await GetArtefactAsync(id, ct) is not { } artefact) return null;
        var document = artefact.Kind == "fr-doc" ? await FederalRegisterDocumentAsync(id, ct) : null;
        var articleId = document is null ? null : await FederalRegisterArticleAsync(id, ct);
        var changes = articleId is { } a ? await EntityListChangesOfArticleAsync(a, ct) : [];
        return new ArtefactDetail(artefact, document, articleId, await ArtefactTimelineAsync(id, ct), changes, await ArtefactCitationsAsync(id, limit, ct));
    }

    /// <summary>
    /// Records what a Federal Register answer says of its documents on their <c>fr-doc:</c> artefacts (and makes the
    /// RIN, docket and CFR part artefacts they name exist). Idempotent: a second call with the same documents changes
    /// nothing but <c>updated_at</c>; a later answer's values replace earlier ones.
    /// </summary>
    public async Task RecordFederalRegisterDocumentsAsync(IReadOnlyList<FederalRegisterDocument> documents, CancellationToken ct = default)
    {
        if (documents.Count == 0) return;
        var docs = documents.GroupBy(d => d.Id).Select(g => g.Last()).ToList();
        // only web addresses are kept: the answer is text from the network, shown as links
        static Uri? Web(string? url) => url is not null && Uri.TryCreate(url, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttps || u.Scheme == Uri.UriSchemeHttp) ? u : null;
        static string? Key(string? url) => Web(url) is { } u ? Fetch.UrlNormalizer.Key(u) : null;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        foreach (var d in docs)
        {
            await conn.ExecuteAsync(new CommandDefinition("""
                INSERT INTO artefacts (id, kind, title, agency, status, document_type, action, abstract, publication_date, effective_on,
                                       comments_close_on, citation, html_url, pdf_url, rins, docket_ids, cfr_parts, correction_of, updated_at)
                VALUES (@Id, 'fr-doc', @Title, @Agency, @Status, @Type, @Action, @Abstract, @Published, @Effective, @Comments, @Citation,
                        @HtmlUrl, @PdfUrl, @Rins, @Dockets, @Cfr, @CorrectionOf, now())
                ON CONFLICT (id) DO UPDATE SET
                    -- a query asking for fewer fields never erases what an earlier answer gave
                    title = coalesce(excluded.title, artefacts.title), agency = coalesce(excluded.agency, artefacts.agency),
                    status = coalesce(excluded.status, artefacts.status), document_type = coalesce(excluded.document_type, artefacts.document_type),
                    action = coalesce(excluded.action, artefacts.action), abstract = coalesce(excluded.abstract, artefacts.abstract),
                    publication_date = coalesce(excluded.publication_date, artefacts.publication_date),
                    effective_on = coalesce(excluded.effective_on, artefacts.effective_on), comments_close_on = coalesce(excluded.comments_close_on, artefacts.comments_close_on),
                    citation = coalesce(excluded.citation, artefacts.citation), html_url = coalesce(excluded.html_url, artefacts.html_url),
                    pdf_url = coalesce(excluded.pdf_url, artefacts.pdf_url),
                    rins = CASE WHEN cardinality(excluded.rins) > 0 THEN excluded.rins ELSE artefacts.rins END,
                    docket_ids = CASE WHEN cardinality(excluded.docket_ids) > 0 THEN excluded.docket_ids ELSE artefacts.docket_ids END,
                    cfr_parts = CASE WHEN cardinality(excluded.cfr_parts) > 0 THEN excluded.cfr_parts ELSE artefacts.cfr_parts END,
                    correction_of = coalesce(excluded.correction_of, artefacts.correction_of), updated_at = now();
                INSERT INTO artefacts (id, kind) SELECT r, split_part(r, ':', 1) FROM unnest(@Related::text[]) AS r
                ON CONFLICT (id) DO NOTHING;
                """, new
            {
                d.Id, d.Title, Agency = d.Agencies.Count == 0 ? null : string.Join("; ", d.Agencies), Status = d.Action ?? d.Type, d.Type, d.Action, d.Abstract,
                Published = ToDate(d.PublicationDate), Effective = ToDate(d.EffectiveOn), Comments = ToDate(d.CommentsCloseOn), d.Citation,
                HtmlUrl = Key(d.HtmlUrl), PdfUrl = Web(d.PdfUrl)?.AbsoluteUri, Rins = d.Rins.ToArray(), Dockets = d.Dockets.ToArray(), Cfr = d.CfrParts.ToArray(), d.CorrectionOf,
                Related = d.Rins.Concat(d.Dockets).Concat(d.CfrParts).Distinct().ToArray(),
            }, tx, cancellationToken: ct));
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>The Federal Register's account of an <c>fr-doc:</c> artefact, or null when no Federal Register source has described it.</summary>
    public async Task<FederalRegisterDocument?> FederalRegisterDocumentAsync(string id, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<DocumentRow>(new CommandDefinition(DocumentSelect + " WHERE id = @id AND document_type IS NOT NULL", new { id }, cancellationToken: ct));
        return rows.Select(r => r.ToDocument()).FirstOrDefault();
    }

    /// <summary>
    /// The timeline of an artefact: for a Federal Register document, a RIN or a docket, every document of the same
    /// rulemaking (sharing a RIN or docket) and their corrections; for a CFR part or section, the documents amending
    /// that part. Empty for other kinds or when no Federal Register source has described any.
    /// </summary>
    public async Task<IReadOnlyList<TimelineEvent>> ArtefactTimelineAsync(string id, CancellationToken ct = default)
    {
        var kind = id.Split(':')[0];
        if (kind is not ("fr-doc" or "rin" or "docket" or "cfr")) return [];
        // a section's timeline is its part's: the Federal Register lists parts, not sections
        var cfr = kind == "cfr" ? (id.Contains('.') ? id[..id.IndexOf('.')] : id) : null;
        var key = kind is "rin" or "docket" ? id : null;
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<DocumentRow>(new CommandDefinition("""
            WITH seed AS (
                SELECT id, rins, docket_ids, correction_of FROM artefacts WHERE id = @id AND document_type IS NOT NULL
            ), keys AS (
                SELECT array(SELECT unnest(rins || docket_ids) FROM seed UNION SELECT @key WHERE @key IS NOT NULL) AS k
            ), family AS (
                SELECT f.id FROM artefacts f, keys
                WHERE f.document_type IS NOT NULL
                  AND (f.id IN (SELECT id FROM seed) OR f.id IN (SELECT correction_of FROM seed)
                       OR f.rins && keys.k OR f.docket_ids && keys.k OR (@cfr IS NOT NULL AND f.cfr_parts @> ARRAY[@cfr]))
            )
            """ + DocumentSelect + """
             WHERE document_type IS NOT NULL AND (id IN (SELECT id FROM family) OR correction_of IN (SELECT id FROM family))
            ORDER BY publication_date DESC LIMIT 500
            """, new { id, key, cfr }, cancellationToken: ct));
        return ArtefactTimeline.Build(rows.Select(r => r.ToDocument()));
    }

    /// <summary>
    /// Federal Register documents touching one of <paramref name="topics"/> (any topic when empty) through their own
    /// stored page or an article citing them, their RIN or their docket: those with a comment deadline or an effective
    /// date in [<paramref name="from"/>, <paramref name="to"/>] (calendar days), and rules or proposed rules PolicyWatch
    /// first recorded in [<paramref name="seenFrom"/>, <paramref name="seenTo"/>) (a digest's period, so each new rule
    /// comes in one digest). At most 200, soonest first.
    /// </summary>
    public async Task<IReadOnlyList<DeadlineCandidate>> DeadlineCandidatesAsync(DateOnly from, DateOnly to, DateTimeOffset seenFrom, DateTimeOffset seenTo,
        IReadOnlyCollection<string> topics, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(string Id, string? Title, string Type, string? Action, DateOnly? Published, DateOnly? Effective, DateOnly? Comments,
            string? Url, string[]? Topics, bool New, string? CorrectionOf)>(
            new CommandDefinition("""
            WITH due AS (
                SELECT d.*, d.first_seen >= @seenFrom AND d.first_seen < @seenTo AND d.document_type IN ('Rule', 'Proposed Rule') AS is_new,
                       array(SELECT DISTINCT t.topic FROM article_topics t
                             WHERE t.article_id IN (SELECT u.article_id FROM article_urls u WHERE u.url = d.html_url
                                                    UNION SELECT x.article_id FROM article_artefacts x
                                                    WHERE x.artefact_id = d.id OR x.artefact_id = ANY(d.rins || d.docket_ids))) AS topics
                FROM artefacts d
                WHERE d.document_type IS NOT NULL
                  AND (d.comments_close_on BETWEEN @from AND @to OR d.effective_on BETWEEN @from AND @to
                       OR d.document_type IN ('Rule', 'Proposed Rule') AND d.first_seen >= @seenFrom AND d.first_seen < @seenTo)
            )
            SELECT d.id, d.title, d.document_type, d.action, d.publication_date, d.effective_on, d.comments_close_on,
                   coalesce(a.canonical_url, d.html_url), d.topics, d.is_new, d.correction_of
            FROM due d
            LEFT JOIN article_urls u ON u.url = d.html_url
            LEFT JOIN articles a ON a.id = u.article_id
            WHERE CASE WHEN cardinality(@topics::text[]) = 0 THEN cardinality(d.topics) > 0 ELSE d.topics && @topics::text[] END
            ORDER BY least(d.comments_close_on, d.effective_on, d.publication_date), d.id
            LIMIT 200
            """, new { from = ToDate(from), to = ToDate(to), seenFrom = seenFrom.UtcDateTime, seenTo = seenTo.UtcDateTime, topics = topics.ToArray() },
            cancellationToken: ct));
        return rows.Select(r => new DeadlineCandidate(r.Id, r.Title, r.Type, r.Action, r.Published, r.Effective, r.Comments, r.Url, r.Topics ?? [])
            { NewInPeriod = r.New, IsCorrection = FederalRegisterDocument.Corrects(r.Type, r.Action, r.CorrectionOf) }).ToList();
    }

    /// <summary>
    /// Entity List changes whose entity or one of whose aliases contains <paramref name="query"/> (case-insensitive,
    /// as written), newest rule first, at most <paramref name="limit"/>: "is this company listed, since when, by which rule?".
    /// </summary>
    public async Task<IReadOnlyList<EntityListHit>> SearchEntityListAsync(string query, int limit = 50, CancellationToken ct = default)
    {
        var pattern = "%" + query.Trim().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<EntityHitRow>(new CommandDefinition("""
            SELECT e.entity, e.country, e.aliases, e.action, a.id AS articleid, a.title AS ruletitle, a.canonical_url AS url, a.published_at AS published,
                   (SELECT f.id FROM artefacts f JOIN article_urls u ON u.url = f.html_url WHERE u.article_id = a.id AND f.document_type IS NOT NULL LIMIT 1) AS documentid
            FROM entity_list_changes e JOIN articles a ON a.id = e.article_id
            WHERE a.status = 'processed' AND (e.entity ILIKE @pattern OR array_to_string(e.aliases, ' | ') ILIKE @pattern)
            ORDER BY a.published_at DESC NULLS LAST, a.id DESC, e.seq
            LIMIT @limit
            """, new { pattern, limit }, cancellationToken: ct));
        return rows.Select(r => new EntityListHit(r.Entity, r.Country, r.Aliases, r.Action, r.ArticleId, r.RuleTitle, r.Url, r.Published, r.DocumentId)).ToList();
    }

    private sealed class EntityHitRow
    {
        public string Entity { get; set; } = "";
        public string? Country { get; set; }
        public string[] Aliases { get; set; } = [];
        public string Action { get; set; } = "";
        public long ArticleId { get; set; }
        public string? RuleTitle { get; set; }
        public string Url { get; set; } = "";
        public DateTime? Published { get; set; }
        public string? DocumentId { get; set; }
    }

    /// <summary>The Entity List changes one stored rule makes, in its order.</summary>
    public async Task<IReadOnlyList<EntityListChange>> EntityListChangesOfArticleAsync(long articleId, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(string Action, string Entity, string? Country, string[] Aliases)>(new CommandDefinition(
            "SELECT action, entity, country, aliases FROM entity_list_changes WHERE article_id = @articleId ORDER BY seq", new { articleId }, cancellationToken: ct));
        return rows.Select(r => new EntityListChange(r.Action, r.Entity, r.Country, r.Aliases)).ToList();
    }

    /// <summary>The stored article that is the page of a Federal Register document (its <c>html_url</c>), or null.</summary>
    public async Task<long?> FederalRegisterArticleAsync(string id, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return await conn.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(
            "SELECT u.article_id FROM artefacts f JOIN article_urls u ON u.url = f.html_url WHERE f.id = @id", new { id }, cancellationToken: ct));
    }

    /// <summary>Replaces one article's Entity List changes, inside the caller's transaction.</summary>
    private static async Task WriteEntityChangesAsync(System.Data.Common.DbConnection conn, System.Data.Common.DbTransaction tx, long id,
        IReadOnlyList<EntityListChange> changes, CancellationToken ct)
    {
        await conn.ExecuteAsync(new CommandDefinition("DELETE FROM entity_list_changes WHERE article_id = @id", new { id }, tx, cancellationToken: ct));
        for (var i = 0; i < changes.Count; i++)
        {
            var c = changes[i];
            await conn.ExecuteAsync(new CommandDefinition(
                "INSERT INTO entity_list_changes (article_id, seq, action, entity, country, aliases) VALUES (@id, @seq, @Action, @Entity, @Country, @Aliases)",
                new { id, seq = i, c.Action, c.Entity, c.Country, Aliases = c.Aliases.ToArray() }, tx, cancellationToken: ct));
        }
    }

    private static DateTime? ToDate(DateOnly? d) => d?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);

    private const string DocumentSelect = """
        SELECT id, document_type, title, action, abstract, agency, publication_date, effective_on, comments_close_on, citation,
               html_url, pdf_url, rins, docket_ids, cfr_parts, correction_of FROM artefacts
        """;

    // Npgsql reads date as DateOnly and text[] as string[]; settable properties let Dapper map them by name
    private sealed class DocumentRow
    {
        public string Id { get; set; } = "";
        public string Document_Type { get; set; } = "";
        public string? Title { get; set; }
        public string? Action { get; set; }
        public string? Abstract { get; set; }
        public string? Agency { get; set; }
        public DateOnly? Publication_Date { get; set; }
        public DateOnly? Effective_On { get; set; }
        public DateOnly? Comments_Close_On { get; set; }
        public string? Citation { get; set; }
        public string? Html_Url { get; set; }
        public string? Pdf_Url { get; set; }
        public string[] Rins { get; set; } = [];
        public string[] Docket_Ids { get; set; } = [];
        public string[] Cfr_Parts { get; set; } = [];
        public string? Correction_Of { get; set; }

        public FederalRegisterDocument ToDocument() => new(Id["fr-doc:".Length..], Document_Type, Title, Action, Abstract,
            Agency is null ? [] : Agency.Split("; "), Publication_Date, Effective_On, Comments_Close_On, Citation,
            Html_Url, Pdf_Url, Rins, Docket_Ids, Cfr_Parts, Correction_Of);
    }
}
