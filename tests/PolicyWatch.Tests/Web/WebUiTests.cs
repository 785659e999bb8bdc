using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using PolicyWatch.Tests.Support;

namespace PolicyWatch.Tests.Web;

/// <summary>The web UI in a real headless Chromium against the real `policywatch serve`.</summary>
[Collection("postgres")]
public sealed class WebUiTests(PostgresFixture pg) : IAsyncLifetime
{
    private ServedApp _app = null!;
    private ChromeDriver _browser = null!;
    private string _profile = "";

    public async Task InitializeAsync()
    {
        _app = await ServedApp.StartAsync(pg);
        _profile = TempDirs.Create("chromium");
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run", "--disable-extensions", $"--user-data-dir={_profile}");
        var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.SuppressInitialDiagnosticInformation = true;
        _browser = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    public async Task DisposeAsync()
    {
        _browser.Quit();
        _browser.Dispose();
        await _app.DisposeAsync();
        TempDirs.Delete(_profile);
    }

    private void Go(string path) => _browser.Navigate().GoToUrl(new Uri(_app.BaseUrl, path));
    private IWebElement Find(By by) => new WebDriverWait(_browser, TimeSpan.FromSeconds(10)).Until(d => d.FindElement(by));

    /// <summary>Waits for the text: after a click the old page can still be there for a moment, and a part the page
    /// re-renders can be replaced between finding an element and reading it.</summary>
    private void WaitForText(By by, string expected)
    {
        var wait = new WebDriverWait(_browser, TimeSpan.FromSeconds(10));
        wait.IgnoreExceptionTypes(typeof(NoSuchElementException));
        try
        {
            wait.Until(d =>
            {
                try { return d.FindElement(by).Text == expected; }
                catch (WebDriverException e) when (Replaced(e)) { return false; }
            });
        }
        catch (WebDriverTimeoutException) { Assert.Equal(expected, _browser.FindElement(by).Text); }
    }

    /// <summary>Clicks the element, finding it again if the page replaced it under the click.</summary>
    private void Click(By by) => new WebDriverWait(_browser, TimeSpan.FromSeconds(10)).Until(d =>
    {
        try { d.FindElement(by).Click(); return true; }
        catch (NoSuchElementException) { return false; }
        catch (WebDriverException e) when (Replaced(e)) { return false; }
    });

    /// <summary>Chromium reports a node replaced by a re-render either as a stale reference or, when the node id
    /// outlived its document, as an unknown error "Node with given id does not belong to the document".</summary>
    private static bool Replaced(WebDriverException e) =>
        e is StaleElementReferenceException || e.Message.Contains("does not belong to the document", StringComparison.Ordinal);

    private void SignIn(string user = "ana", string password = ServedApp.AnalystPassword)
    {
        Go("/");
        Assert.Contains("/login", _browser.Url);
        Find(By.Id("username")).SendKeys(user);
        Find(By.Id("password")).SendKeys(password);
        Click(By.Id("sign-in"));
        Find(By.Id("search-form"));
    }

    [Fact]
    public async Task SignInSearchFilterOpenAndGiveFeedback()
    {
        SignIn();

        Find(By.Id("q")).SendKeys("export controls");
        Click(By.Id("search"));
        WaitForText(By.Id("result-count"), "2 results");
        Assert.Contains("<mark>", Find(By.CssSelector(".hit .snippet")).GetAttribute("innerHTML"));

        // filter: only Pax Silica
        Find(By.Id("q")).Clear();
        Click(By.CssSelector("input[data-topic='pax-silica']"));
        Click(By.Id("search"));
        WaitForText(By.Id("result-count"), "1 result");
        WaitForText(By.CssSelector(".hit-title"), "Allies sign the Pax Silica declaration");

        // open the article and reject its tag
        Click(By.CssSelector(".hit-title"));
        WaitForText(By.Id("article-title"), "Allies sign the Pax Silica declaration");
        Click(By.CssSelector(".tagline[data-topic='pax-silica'] button[data-action='reject']"));
        new WebDriverWait(_browser, TimeSpan.FromSeconds(10)).Until(d => d.FindElements(By.CssSelector(".tagline[data-topic='pax-silica']")).Count == 0);
        Assert.DoesNotContain(await _app.Store.GetTopicsAsync(_app.ArticleIds[2]), t => t.Topic == "pax-silica");
    }

    [Fact]
    public async Task SaveASearch_RunItAgain_RemoveIt()
    {
        SignIn();
        Find(By.Id("q")).SendKeys("export controls");
        Click(By.Id("search"));
        WaitForText(By.Id("result-count"), "2 results");

        Find(By.Id("save-name")).SendKeys("Export <watch>");
        Click(By.Id("save-search"));
        WaitForText(By.CssSelector("#saved-searches .saved a"), "Export <watch>");
        var saved = Assert.Single(await _app.Store.ListSavedSearchesAsync((await _app.Store.VerifyUserAsync("ana", ServedApp.AnalystPassword))!.Id));
        using (var json = System.Text.Json.JsonDocument.Parse(saved.QueryJson))
            Assert.Equal("export controls", PolicyWatch.Search.SearchQuery.FromQueryString(json.RootElement.GetProperty("query").GetString()!, DateTimeOffset.UtcNow).Text);

        // something new turns up: the saved search says so until it is run again
        await _app.AddArticleAsync("Export controls reach memory chips", "The export controls now cover memory chips.", ["export-controls"], "2026-11-21T08:00:00Z");
        Go("/");
        WaitForText(By.CssSelector("#saved-searches .new-count"), "1 new");
        Click(By.CssSelector("#saved-searches .saved a"));
        WaitForText(By.Id("result-count"), "3 results");
        Assert.Equal("export controls", Find(By.Id("q")).GetAttribute("value"));
        Assert.Empty(_browser.FindElements(By.CssSelector("#saved-searches .new-count")));

        Click(By.CssSelector("#saved-searches button[data-delete]"));
        new WebDriverWait(_browser, TimeSpan.FromSeconds(10)).Until(d => d.FindElements(By.CssSelector("#saved-searches .saved")).Count == 0);
    }

    [Fact]
    public async Task Admin_AddsEditsAndRemovesASubscriber_WithASavedSearch()
    {
        var root = (await _app.Store.VerifyUserAsync("root", ServedApp.AdminPassword))!;
        await _app.Store.SaveSearchAsync(root.Id, "Chip rules", """{"query":"q=chips"}""");
        SignIn("root", ServedApp.AdminPassword);
        Go("/admin");

        // a bad time zone is refused with the reason, the form keeps what was typed
        Find(By.Id("sub-email")).SendKeys("desk@example.test");
        Click(By.CssSelector("#subscriber-form input[name='topic'][value='pax-silica']"));
        Click(By.CssSelector("#subscriber-form input[data-search='Chip rules']"));
        Find(By.CssSelector("#subscriber-form input[name='timeZone']")).Clear();
        Find(By.CssSelector("#subscriber-form input[name='timeZone']")).SendKeys("Mars/Olympus");
        Click(By.Id("save-subscriber"));
        WaitForText(By.Id("subscriber-error"), "'Mars/Olympus' is not an IANA time zone");
        Assert.Equal("desk@example.test", Find(By.Id("sub-email")).GetAttribute("value"));

        Find(By.CssSelector("#subscriber-form input[name='timeZone']")).Clear();
        Find(By.CssSelector("#subscriber-form input[name='timeZone']")).SendKeys("Europe/Brussels");
        Click(By.Id("save-subscriber"));
        WaitForText(By.Id("admin-message"), "desk@example.test saved.");
        var saved = (await _app.Store.FindSubscriberAsync("desk@example.test"))!;
        Assert.Equal(["pax-silica"], saved.Topics);
        Assert.Single(saved.SavedSearches);
        Assert.Equal("Europe/Brussels", saved.TimeZone);

        Click(By.CssSelector("button[data-remove='desk@example.test']"));
        WaitForText(By.Id("admin-message"), "desk@example.test removed.");
        Assert.Null(await _app.Store.FindSubscriberAsync("desk@example.test"));
    }

    [Fact]
    public void FetchedMarkup_IsShownAsText_NeverRun()
    {
        SignIn();
        Go($"/articles/{_app.ArticleIds[3]}");
        WaitForText(By.Id("article-title"), "Title with <script>alert('x')</script> & \"quotes\"");
        Assert.Throws<NoAlertPresentException>(() => _browser.SwitchTo().Alert());
        Assert.Contains("<script>alert('x')</script>", Find(By.CssSelector(".body")).Text);
    }

    [Fact]
    public void WrongPassword_StaysOnLoginWithAMessage()
    {
        Go("/login");
        Find(By.Id("username")).SendKeys("ana");
        Find(By.Id("password")).SendKeys("not the password");
        Click(By.Id("sign-in"));
        WaitForText(By.Id("login-error"), "Wrong user name or password.");
    }
}
