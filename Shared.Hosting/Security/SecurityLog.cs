using Microsoft.Extensions.Logging;

namespace PairDb.Hosting.Security;

/// <summary>The security mode a host starts in, said once at start-up.</summary>
public static partial class SecurityLog
{
    [LoggerMessage(EventId = 9100, Level = LogLevel.Warning,
        Message = "INSECURE mode: no TLS and no authentication on {Address}:{GrpcPort},{HttpPort}; anyone who can reach these ports can read, write and delete all data")]
    public static partial void Insecure(ILogger logger, string address, int grpcPort, int httpPort);

    [LoggerMessage(EventId = 9101, Level = LogLevel.Information,
        Message = "Secure mode: TLS on {Address}:{GrpcPort},{HttpPort} with member certificate subject={Subject} expires={NotAfter:o}; members by client certificate of the cluster CA, operators by token")]
    public static partial void Secure(ILogger logger, string address, int grpcPort, int httpPort, string subject, DateTime notAfter);

    [LoggerMessage(EventId = 9102, Level = LogLevel.Critical, Message = "Refusing to start: {Reason}")]
    public static partial void Refused(ILogger logger, string reason);

    /// <summary>Logs the mode (EventId 9100 loudly when insecure).</summary>
    public static void Mode(ILogger logger, HostSecurity security, string address, int grpcPort, int httpPort)
    {
        if (security.IsSecure)
        {
            Secure(logger, address, grpcPort, httpPort, security.MemberCertificate!.Subject, security.MemberCertificate.NotAfter.ToUniversalTime());
        }
        else
        {
            Insecure(logger, address, grpcPort, httpPort);
        }
    }
}
