using PolicyWatch.Storage;

namespace PolicyWatch.Host.Api;

/// <summary>The one JSON shape of an artefact, for <c>GET /api/artefacts/{id}</c> and <c>policywatch artefact ID --format json</c>. Dates are yyyy-mm-dd calendar days.</summary>
public static class ArtefactJson
{
    public static object Of(ArtefactDetail d)
    {
        var f = d.Artefact;
        var doc = d.Document;
        return new
        {
            f.Id, f.Kind, f.Title, f.Agency, f.Status, firstSeen = f.FirstSeen,
            document = doc is null ? null : new
            {
                documentNumber = doc.DocumentNumber, type = doc.Type, doc.Action, doc.Abstract, agencies = doc.Agencies,
                publicationDate = doc.PublicationDate, effectiveOn = doc.EffectiveOn, commentsCloseOn = doc.CommentsCloseOn, doc.Citation,
                htmlUrl = doc.HtmlUrl, pdfUrl = doc.PdfUrl, rins = doc.Rins, dockets = doc.Dockets, cfrParts = doc.CfrParts, correctionOf = doc.CorrectionOf,
                articleId = d.DocumentArticleId,
            },
            timeline = d.Timeline.Select(e => new { date = e.Date, kind = e.Kind, label = e.Label, document = e.DocumentId, title = e.DocumentTitle, url = e.Url }),
            entityListChanges = d.EntityListChanges.Select(c => new { action = c.Action, entity = c.Entity, country = c.Country, aliases = c.Aliases }),
            citedBy = d.CitedBy.Select(c => new { id = c.ArticleId, title = c.ArticleTitle, c.Url, c.Source, published = c.Published, c.Sentence, c.Start, c.End }),
        };
    }

    public static object Of(EntityListHit h) => new
    {
        entity = h.Entity, country = h.Country, aliases = h.Aliases, action = h.Action,
        rule = new { articleId = h.ArticleId, title = h.RuleTitle, url = h.Url, published = h.Published, document = h.DocumentId },
    };
}
