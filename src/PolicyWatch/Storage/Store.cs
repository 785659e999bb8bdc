using Dapper;
using Npgsql;

namespace PolicyWatch.Storage;

/// <summary>All of PolicyWatch's SQL, split into partial files per table (Store.*.cs).</summary>
public sealed partial class Store(NpgsqlDataSource db)
{
    static Store()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
        SqlMapper.AddTypeHandler(new TimeOnlyHandler());
    }

    /// <summary>PostgreSQL <c>time</c> arrives as TimeSpan; subscribers' send times are TimeOnly.</summary>
    private sealed class TimeOnlyHandler : SqlMapper.TypeHandler<TimeOnly>
    {
        public override TimeOnly Parse(object value) => value is TimeSpan t ? TimeOnly.FromTimeSpan(t) : (TimeOnly)value;
        public override void SetValue(System.Data.IDbDataParameter parameter, TimeOnly value) => parameter.Value = value.ToTimeSpan();
    }

    public NpgsqlDataSource DataSource => db;
}
