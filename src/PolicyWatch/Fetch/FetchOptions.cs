namespace PolicyWatch.Fetch;

/// <summary>Section <c>Fetch</c>: how PolicyWatch talks to the web.</summary>
public sealed class FetchOptions
{
    /// <summary>Whole fetch, every redirect and the body included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary>Bodies above this many bytes (after decompression) are refused while streaming.</summary>
    public long MaxBodyBytes { get; set; } = 10 * 1024 * 1024;
    public int MaxRedirects { get; set; } = 5;
    /// <summary>Minimum interval between the end of one request to a host and the start of the next, kept across every process on the database (workers), else between starts within this process.</summary>
    public TimeSpan HostDelay { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>Requests in flight to one host from this process.</summary>
    public int MaxConcurrentPerHost { get; set; } = 2;
    /// <summary>Refusing loopback, private, link-local and metadata addresses is the default; true lifts it (tests, intranets).</summary>
    public bool AllowPrivateNetworks { get; set; }
    /// <summary>Exact addresses allowed despite the private-network guard (e.g. one intranet server).</summary>
    public List<string> AllowedAddresses { get; set; } = [];
    public bool RespectRobotsTxt { get; set; } = true;
    public TimeSpan RobotsCacheTime { get; set; } = TimeSpan.FromHours(24);
    /// <summary>Transient failures retried in place (network errors, 5xx, short Retry-After) before the job's own retry.</summary>
    public int Retries { get; set; } = 2;
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
    /// <summary>A Retry-After up to this long is waited out in place; a longer one is handed back to the scheduler.</summary>
    public TimeSpan MaxInlineRetryAfter { get; set; } = TimeSpan.FromSeconds(5);
    public string UserAgent { get; set; } = "Mozilla/5.0 (compatible; PolicyWatch/1.0; +https://github.com/policywatch/policywatch)";
    /// <summary>The product token matched against robots.txt user-agent lines.</summary>
    public string RobotsToken { get; set; } = "PolicyWatch";
}
