using Dapper;
using Npgsql;

namespace PolicyWatch.Storage;

/// <summary>All of PolicyWatch's SQL, split into partial files per table (Store.*.cs).</summary>
public sealed partial class Store(NpgsqlDataSource db)
{
    static Store() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    public NpgsqlDataSource DataSource => db;
}
