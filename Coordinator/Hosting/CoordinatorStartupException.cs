namespace PairDb.Coordinator.Hosting;

/// <summary>The coordinator cannot start (no ring to serve); Program prints the message and exits non-zero.</summary>
public sealed class CoordinatorStartupException(string message, Exception? inner = null) : Exception(message, inner);
