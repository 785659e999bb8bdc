using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using System.Globalization;
using PolicyWatch.Classify;
using PolicyWatch.Host.Auth;
using PolicyWatch.Model;
using PolicyWatch.Storage;

namespace PolicyWatch.Host.Pages.Admin;

[Authorize(Policy = AuthSetup.AdminPolicy)]
public sealed class AdminModel(Store store, TopicClassifier classifier) : PageModel
{
    public IReadOnlyList<TopicDefinition> Topics => classifier.Taxonomy?.Topics ?? [];
    public IReadOnlyList<(SavedSearch Search, string Username)> SavedSearches { get; private set; } = [];

    /// <summary>The subscriber in the form: the one being edited (?edit=EMAIL), else a new one.</summary>
    public Subscriber Form { get; private set; } = new();
    public string? FormError { get; private set; }
    public IReadOnlyList<Source> Sources { get; private set; } = [];
    public IReadOnlyList<User> Users { get; private set; } = [];
    public IReadOnlyList<Subscriber> Subscribers { get; private set; } = [];
    [TempData] public string? Message { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Sources = await store.ListSourcesAsync(ct: ct);
        Users = await store.ListUsersAsync(ct);
        Subscribers = await store.ListSubscribersAsync(ct: ct);
        SavedSearches = await store.ListAllSavedSearchesAsync(ct);
        if (Request.Query["edit"].ToString() is { Length: > 0 } email && await store.FindSubscriberAsync(email, ct) is { } existing) Form = existing;
    }

    public async Task<IActionResult> OnPostSubscriberAsync(string? email, string? name, string[]? topic, long[]? savedSearch, string? minScore,
        string? sendTime, string? timeZone, string? frequency, bool sendEmpty, bool active, CancellationToken ct)
    {
        var parsedTime = TimeOnly.TryParseExact(sendTime ?? "", "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time);
        var form = new Subscriber
        {
            Email = (email ?? "").Trim(), Name = string.IsNullOrWhiteSpace(name) ? null : name.Trim(), Topics = topic ?? [], SavedSearches = savedSearch ?? [],
            MinScore = float.TryParse(minScore, NumberStyles.Float, CultureInfo.InvariantCulture, out var score) ? score : -1,
            SendTime = parsedTime ? time : new TimeOnly(7, 0),
            TimeZone = string.IsNullOrWhiteSpace(timeZone) ? "UTC" : timeZone.Trim(), Frequency = frequency ?? "daily", SendEmpty = sendEmpty, Active = active,
        };
        try
        {
            if (!parsedTime) throw new ArgumentException($"the send time '{sendTime}' is not HH:mm");
            classifier.CheckTopics(form.Topics);
            var saved = await store.UpsertSubscriberAsync(form, ct);
            Message = $"{saved.Email} saved.";
            return RedirectToPage();
        }
        catch (ArgumentException e)
        {
            await OnGetAsync(ct);
            Form = form;
            FormError = e.Message;
            return Page();
        }
    }

    public async Task<IActionResult> OnPostRemoveSubscriberAsync(string email, CancellationToken ct)
    {
        Message = await store.RemoveSubscriberAsync(email, ct) ? $"{email} removed." : $"{email} was not subscribed.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostPollNowAsync(string slug, CancellationToken ct)
    {
        Message = await store.PollNowAsync(slug, ct) ? $"{slug} will be polled within a minute." : $"{slug} is not an enabled source.";
        return RedirectToPage();
    }
}
