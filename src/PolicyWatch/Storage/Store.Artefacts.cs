using System.Data.Common;
using Dapper;

namespace PolicyWatch.Storage;

/// <summary>A policy instrument as a record: canonical id, kind, title (known, else a readable name), agency and status when known.</summary>
public sealed record Artefact(string Id, string Kind, string Title, string? Agency, string? Status, DateTime FirstSeen);

/// <summary>An article citing an artefact, with the citing sentence and the mention's offsets in the article's body.</summary>
public sealed record ArtefactCitingArticle(long ArticleId, string? ArticleTitle, string Url, string Source, DateTime? Published, string Sentence, int Start, int End);

public sealed partial class Store
{
    /// <summary>The artefact with this canonical id, or null when no stored article has ever cited it and no Federal Register source described it (a record outlives its citations).</summary>
    public async Task<Artefact?> GetArtefactAsync(string id, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var row = await conn.QuerySingleOrDefaultAsync<(string Id, string Kind, string? Title, string? Agency, string? Status, DateTime FirstSeen)?>(new CommandDefinition(
            """
            SELECT a.id, a.kind,
                   -- a RIN or docket is named after its rulemaking's newest document (corrections aside)
                   coalesce(a.title, CASE WHEN a.kind IN ('rin', 'docket') THEN
                       (SELECT f.title FROM artefacts f WHERE f.document_type IS NOT NULL AND f.correction_of IS NULL
                          AND (f.rins @> ARRAY[a.id] OR f.docket_ids @> ARRAY[a.id]) ORDER BY f.publication_date DESC NULLS LAST LIMIT 1) END),
                   a.agency, a.status, a.first_seen
            FROM artefacts a WHERE a.id = @id
            """, new { id }, cancellationToken: ct));
        return row is { } r ? new Artefact(r.Id, r.Kind, r.Title ?? Artefacts.ArtefactCitations.DisplayName(r.Id), r.Agency, r.Status, r.FirstSeen) : null;
    }

    /// <summary>Processed articles citing the artefact, newest first (published, else found), at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<ArtefactCitingArticle>> ArtefactCitationsAsync(string id, int limit = 100, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<ArtefactCitingArticle>(new CommandDefinition("""
            SELECT a.id AS articleid, a.title AS articletitle, a.canonical_url AS url, s.name AS source, a.published_at AS published,
                   x.sentence, x.start_offset AS start, x.end_offset AS "end"
            FROM article_artefacts x JOIN articles a ON a.id = x.article_id JOIN sources s ON s.id = a.source_id
            WHERE x.artefact_id = @id AND a.status = 'processed'
            ORDER BY coalesce(a.published_at, a.discovered_at) DESC, a.id DESC
            LIMIT @limit
            """, new { id, limit }, cancellationToken: ct))).AsList();
    }

    /// <summary>The artefacts one article cites, in the order they first appear in its body.</summary>
    public async Task<IReadOnlyList<(string Id, string Title, string Sentence)>> ArticleArtefactsAsync(long articleId, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<(string Id, string? Title, string Sentence)>(new CommandDefinition("""
            SELECT x.artefact_id, f.title, x.sentence FROM article_artefacts x JOIN artefacts f ON f.id = x.artefact_id
            WHERE x.article_id = @articleId ORDER BY x.start_offset
            """, new { articleId }, cancellationToken: ct));
        return rows.Select(r => (r.Id, r.Title ?? Artefacts.ArtefactCitations.DisplayName(r.Id), r.Sentence)).ToList();
    }

    /// <summary>
    /// Records the citations (and Entity List changes) of processed articles stored before they were kept (or under an older recogniser):
    /// up to <paramref name="batch"/> articles per transaction, by id. Idempotent: each article's citations are
    /// replaced, never added twice. Returns (articles read, citations written).
    /// </summary>
    public async Task<(int Articles, int Citations)> RecordAllCitationsAsync(int batch = 500, CancellationToken ct = default)
    {
        var (articles, citations) = (0, 0);
        long after = 0;
        while (true)
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            var rows = (await conn.QueryAsync<(long Id, string Body)>(new CommandDefinition(
                "SELECT id, coalesce(body, '') FROM articles WHERE id > @after AND status = 'processed' ORDER BY id LIMIT @batch",
                new { after, batch }, cancellationToken: ct))).AsList();
            if (rows.Count == 0) return (articles, citations);
            // found before the transaction opens, so its row locks are held only for the writes
            var found = rows.Select(r => (r.Id, Citations: Artefacts.ArtefactCitations.Of(r.Body), Changes: Artefacts.EntityListChanges.Parse(r.Body))).ToList();
            await using var tx = await conn.BeginTransactionAsync(ct);
            foreach (var (id, list, changes) in found)
            {
                citations += await WriteCitationsAsync(conn, tx, id, list, ct);
                await WriteEntityChangesAsync(conn, tx, id, changes, ct);
            }
            await tx.CommitAsync(ct);
            articles += rows.Count;
            after = rows[^1].Id;
        }
    }

    /// <summary>Replaces one article's citations with <paramref name="citations"/>, inside the caller's transaction; returns how many.</summary>
    private static async Task<int> WriteCitationsAsync(DbConnection conn, DbTransaction tx, long id, IReadOnlyList<Artefacts.ArtefactCitation> citations, CancellationToken ct)
    {
        await conn.ExecuteAsync(new CommandDefinition("DELETE FROM article_artefacts WHERE article_id = @id", new { id }, tx, cancellationToken: ct));
        if (citations.Count == 0) return 0;
        await conn.ExecuteAsync(new CommandDefinition("""
            INSERT INTO artefacts (id, kind) SELECT DISTINCT t.id, t.kind FROM unnest(@Ids::text[], @Kinds::text[]) AS t(id, kind)
            ON CONFLICT (id) DO NOTHING;
            INSERT INTO article_artefacts (article_id, artefact_id, start_offset, end_offset, sentence)
            SELECT @id, t.id, t.s, t.e, t.sentence FROM unnest(@Ids::text[], @Starts::int[], @Ends::int[], @Sentences::text[]) AS t(id, s, e, sentence)
            ON CONFLICT DO NOTHING;
            """, new
        {
            id, Ids = citations.Select(c => c.ArtefactId).ToArray(), Kinds = citations.Select(c => c.Kind).ToArray(),
            Starts = citations.Select(c => c.Start).ToArray(), Ends = citations.Select(c => c.End).ToArray(), Sentences = citations.Select(c => c.Sentence).ToArray(),
        }, tx, cancellationToken: ct));
        return citations.Count;
    }
}
