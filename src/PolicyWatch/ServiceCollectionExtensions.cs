using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using PolicyWatch.Storage;

namespace PolicyWatch;

public static class ServiceCollectionExtensions
{
    /// <summary>The one place the pipeline's stages are registered.</summary>
    public static IServiceCollection AddPolicyWatch(this IServiceCollection services, IConfiguration config)
    {
        var connectionString = config.GetConnectionString("PolicyWatch");
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException("ConnectionStrings:PolicyWatch is not set (the composition root resolves it, or starts the embedded cluster).");

        services.AddSingleton(sp => new NpgsqlDataSourceBuilder(connectionString)
            .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>())
            .Build());
        services.AddSingleton<Store>();
        services.AddSingleton<Migrator>();
        return services;
    }
}
