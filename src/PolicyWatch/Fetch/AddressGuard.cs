using System.Net;
using System.Net.Sockets;

namespace PolicyWatch.Fetch;

/// <summary>Thrown when a host resolves only to addresses the SSRF guard refuses.</summary>
public sealed class BlockedAddressException(string host, IPAddress address)
    : Exception($"refused to connect to {host} ({address}): private, loopback, link-local or metadata address (Fetch:AllowPrivateNetworks is off)")
{
    public string Host { get; } = host;
}

/// <summary>
/// SSRF guard. It runs inside the connection callback, so it checks the address actually connected to,
/// after DNS resolution and on every redirect hop, and a DNS answer cannot change between check and use.
/// </summary>
public sealed class AddressGuard(FetchOptions options)
{
    private readonly HashSet<IPAddress> _allowed = options.AllowedAddresses.Select(IPAddress.Parse).ToHashSet();

    public bool IsAllowed(IPAddress address)
    {
        if (options.AllowPrivateNetworks) return true;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (_allowed.Contains(address)) return true;
        return !IsPrivate(address);
    }

    public static bool IsPrivate(IPAddress a)
    {
        if (IPAddress.IsLoopback(a)) return true;
        if (a.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = a.GetAddressBytes();
            return b[0] switch
            {
                0 or 10 or 127 => true,
                100 => b[1] >= 64 && b[1] <= 127,              // carrier-grade NAT
                169 => b[1] == 254,                            // link-local, cloud metadata
                172 => b[1] >= 16 && b[1] <= 31,
                192 => (b[1] == 168) || (b[1] == 0 && b[2] == 0) || (b[1] == 0 && b[2] == 2),
                198 => b[1] == 18 || b[1] == 19 || (b[1] == 51 && b[2] == 100),
                203 => b[1] == 0 && b[2] == 113,
                >= 224 => true,                                // multicast, reserved, broadcast
                _ => false,
            };
        }
        if (a.AddressFamily == AddressFamily.InterNetworkV6)
        {
            if (a.Equals(IPAddress.IPv6Any) || a.IsIPv6LinkLocal || a.IsIPv6SiteLocal || a.IsIPv6Multicast) return true;
            var b = a.GetAddressBytes();
            if ((b[0] & 0xFE) == 0xFC) return true;            // unique local fc00::/7 (incl. fd00:ec2::254)
            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B) // NAT64: judge the embedded IPv4
                return IsPrivate(new IPAddress(b[12..16]));
            if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) return true; // documentation
            return false;
        }
        return true;
    }

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, ct);
        var usable = addresses.Where(IsAllowed).ToArray();
        if (usable.Length == 0)
            throw addresses.Length == 0
                ? new SocketException((int)SocketError.HostNotFound)
                : new BlockedAddressException(host, addresses[0]);

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(usable, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
