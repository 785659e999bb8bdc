using PolicyWatch.Host.Web;
using System.CommandLine;
using Hangfire;
using PolicyWatch.Host.Api;
using PolicyWatch.Host.Auth;

namespace PolicyWatch.Host.Cli;

/// <summary>`policywatch serve` (web + API + dashboard + workers) and `policywatch worker` (workers only).</summary>
public static class ServeCommand
{
    public static Command Build()
    {
        var urls = new Option<string?>("--urls") { Description = "Listen addresses (default http://127.0.0.1:5080, setting Urls)" };
        var noWorker = new Option<bool>("--no-worker") { Description = "Serve web and API only; leave jobs to `policywatch worker` processes" };
        var serve = new Command("serve", "Run the web UI, HTTP API, Hangfire dashboard and background workers (the default)");
        serve.Options.Add(urls);
        serve.Options.Add(noWorker);
        serve.SetAction(async (parse, ct) =>
        {
            await using var runtime = await AppRuntime.StartAsync(PolicyWatchCli.Globals(parse), ct);
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
            runtime.Apply(builder);
            var metrics = builder.Configuration.GetSection("Metrics").Get<MetricsOptions>() ?? new MetricsOptions();
            var listen = parse.GetValue(urls) ?? builder.Configuration["Urls"] ?? "http://127.0.0.1:5080";
            // a metrics port listens on loopback only, beside the main addresses
            builder.WebHost.UseUrls(metrics.Port > 0 ? $"{listen};http://127.0.0.1:{metrics.Port}" : listen);
            builder.Services.AddPolicyWatch(builder.Configuration);
            builder.Services.AddPolicyWatchJobs(builder.Configuration, runWorkers: !parse.GetValue(noWorker));
            builder.Services.AddPolicyWatchHealthChecks();
            builder.Services.AddPolicyWatchAuth();
            builder.Services.AddPolicyWatchHardening(builder.Configuration);
            builder.Services.AddPolicyWatchMetrics();
            builder.Services.AddRazorPages();
            builder.Services.AddOpenApi();
            builder.Services.AddProblemDetails();

            var app = builder.Build();
            app.UseExceptionHandler();
            app.UseStatusCodePages();
            app.UsePolicyWatchHardening();
            app.UseRateLimiter();
            app.UseAuthentication();
            app.UseAuthorization();
            app.UseApiCrossSiteCheck();
            app.MapHealthApi();
            app.MapOpenApi();
            app.MapAnalystApi();
            app.MapUnsubscribeApi();
            app.MapSubscribersApi();
            app.MapRazorPages();
            app.MapPolicyWatchMetrics(metrics);
            app.MapHangfireDashboard("/hangfire", new DashboardOptions
            {
                DisplayStorageConnectionString = false,
                Authorization = [new AdminDashboardFilter()],
            }).RequireAuthorization(AuthSetup.AdminPolicy);
            await app.RunAsync(ct);
            return 0;
        });
        return serve;
    }

    public static Command BuildWorker()
    {
        var worker = new Command("worker", "Run background workers only (scale out by starting more on other machines); with Metrics:Port, /metrics and /health/* on 127.0.0.1 at that port");
        worker.SetAction(async (parse, ct) =>
        {
            await using var runtime = await AppRuntime.StartAsync(PolicyWatchCli.Globals(parse), ct);
            var metrics = runtime.Configuration.GetSection("Metrics").Get<MetricsOptions>() ?? new MetricsOptions();
            if (metrics.Port > 0)
            {
                // a worker with a metrics port serves /metrics and the health probes there, on loopback only, and nothing else
                var web = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
                runtime.Apply(web);
                web.WebHost.UseUrls($"http://127.0.0.1:{metrics.Port}");
                web.Services.AddPolicyWatch(web.Configuration);
                web.Services.AddPolicyWatchJobs(web.Configuration, runWorkers: true);
                web.Services.AddPolicyWatchHealthChecks();
                web.Services.AddPolicyWatchMetrics();
                var app = web.Build();
                app.MapHealthApi();
                app.MapWorkerMetrics();
                await app.RunAsync(ct);
                return 0;
            }
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
            runtime.Apply(builder);
            builder.Services.AddPolicyWatch(builder.Configuration);
            builder.Services.AddPolicyWatchJobs(builder.Configuration, runWorkers: true);

            using var host = builder.Build();
            await host.RunAsync(ct);
            return 0;
        });
        return worker;
    }
}
