using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace PolicyWatch.Host.Web;

/// <summary>
/// The data-protection key ring in PostgreSQL (table <c>data_protection_keys</c>), so that every web process on one
/// database signs and reads cookies and anti-forgery tokens with the same keys: two web replicas behind a load
/// balancer, or a restart, keep users signed in. The keys are stored as the framework writes them (not encrypted at
/// rest): whoever can read this database can read everything it protects anyway.
/// </summary>
public sealed class DatabaseKeyRepository(NpgsqlDataSource db) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var conn = db.OpenConnection();
        return conn.Query<string>("SELECT xml FROM data_protection_keys ORDER BY created_at").Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var conn = db.OpenConnection();
        conn.Execute("INSERT INTO data_protection_keys (friendly_name, xml) VALUES (@friendlyName, @xml) ON CONFLICT (friendly_name) DO NOTHING",
            new { friendlyName, xml = element.ToString(SaveOptions.DisableFormatting) });
    }

    /// <summary>Keeps the key ring in the database under one application name, whatever machine or path a process runs from.</summary>
    public static void Register(IServiceCollection services)
    {
        services.AddDataProtection().SetApplicationName("PolicyWatch");
        services.AddSingleton<Microsoft.Extensions.Options.IConfigureOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>>(sp =>
            new Microsoft.Extensions.Options.ConfigureOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(o =>
                o.XmlRepository = new DatabaseKeyRepository(sp.GetRequiredService<NpgsqlDataSource>())));
    }
}
