namespace PairDb.Hosting.Security;

/// <summary>
/// The security settings do not allow this host to start: a partial TLS set, secure without an operator
/// token, unreadable files, or a non-loopback listen address without TLS and without <c>--insecure</c>.
/// </summary>
public sealed class SecurityConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
