using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace PolicyWatch.Tests.Support;

/// <summary>A real HTTP server (Kestrel) on a loopback address, serving recorded fixtures and scripted faults.</summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<HttpContext, Task>> _routes = new(StringComparer.Ordinal);

    public ConcurrentQueue<(string Path, IHeaderDictionary Headers)> Requests { get; } = new();

    /// <summary>When each request arrived (Stopwatch timestamps), for measuring politeness at the server.</summary>
    public ConcurrentQueue<(long At, string Path)> Arrivals { get; } = new();

    private LoopbackServer(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }
    public Uri Url(string pathAndQuery) => new(BaseUrl, pathAndQuery);
    public int Hits(string path) => Requests.Count(r => r.Path == path);

    public static async Task<LoopbackServer> StartAsync(string address = "127.0.0.1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Parse(address), 0));
        var app = builder.Build();
        LoopbackServer? server = null;
        app.Run(async context =>
        {
            var arrived = System.Diagnostics.Stopwatch.GetTimestamp();
            var path = context.Request.Path.Value + context.Request.QueryString.Value;
            server!.Arrivals.Enqueue((arrived, path));
            // Kestrel reuses the header collection once the request ends: keep a copy
            server!.Requests.Enqueue((path, new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value))));
            if (server._routes.TryGetValue(path, out var handler) || server._routes.TryGetValue(context.Request.Path.Value!, out handler))
                await handler(context);
            else
                context.Response.StatusCode = 404;
        });
        await app.StartAsync();
        var url = app.Urls.First();
        server = new LoopbackServer(app, new Uri(url.EndsWith('/') ? url : url + "/"));
        return server;
    }

    public LoopbackServer Map(string path, Func<HttpContext, Task> handler)
    {
        _routes[path] = handler;
        return this;
    }

    public LoopbackServer Serve(string path, string body, string contentType = "text/html; charset=utf-8", int status = 200) =>
        Map(path, async c =>
        {
            c.Response.StatusCode = status;
            c.Response.ContentType = contentType;
            await c.Response.WriteAsync(body);
        });

    public LoopbackServer ServeBytes(string path, byte[] body, string contentType) =>
        Map(path, async c =>
        {
            c.Response.ContentType = contentType;
            await c.Response.Body.WriteAsync(body);
        });

    public LoopbackServer Status(string path, int status, Action<HttpResponse>? headers = null) =>
        Map(path, c =>
        {
            c.Response.StatusCode = status;
            headers?.Invoke(c.Response);
            return Task.CompletedTask;
        });

    public LoopbackServer Redirect(string path, string location, int status = 302) =>
        Status(path, status, r => r.Headers.Location = location);

    /// <summary>Answers each request with the next handler in turn; the last one repeats.</summary>
    public LoopbackServer Sequence(string path, params Func<HttpContext, Task>[] handlers)
    {
        var count = 0;
        return Map(path, c => handlers[Math.Min(Interlocked.Increment(ref count) - 1, handlers.Length - 1)](c));
    }

    public async ValueTask DisposeAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try { await _app.StopAsync(cts.Token); } catch (OperationCanceledException) { }
        await _app.DisposeAsync();
    }
}
