using Npgsql;

namespace PolicyWatch.Storage;

/// <summary>
/// Retries a unit of database work after a transient failure (server restarted, connection dropped): the pool
/// discards a broken connection on first use, so a short wait and a fresh connection usually succeed.
/// </summary>
public static class DbRetry
{
    public static async Task<T> RunAsync<T>(Func<Task<T>> work, CancellationToken ct, int attempts = 6)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await work();
            }
            catch (Exception e) when (attempt < attempts && IsTransient(e) && !ct.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250 * Math.Pow(2, attempt - 1)), ct);
            }
        }
    }

    public static Task RunAsync(Func<Task> work, CancellationToken ct, int attempts = 6) =>
        RunAsync(async () => { await work(); return true; }, ct, attempts);

    private static bool IsTransient(Exception e) => e switch
    {
        PostgresException pg => pg.IsTransient || pg.SqlState is "57P01" or "57P02" or "57P03" or "08006" or "08003" or "08001",
        NpgsqlException npg => npg.IsTransient || npg.InnerException is System.IO.IOException or System.Net.Sockets.SocketException,
        _ => false,
    };
}
