using Microsoft.Extensions.Options;

namespace PairDb.StorageNode.Tests.Testing;

/// <summary>An options monitor over one mutable value (configuration reload is simulated by replacing it).</summary>
internal sealed class FixedOptionsMonitor<T>(T value) : IOptionsMonitor<T>
{
    public T CurrentValue { get; set; } = value;

    public T Get(string? name) => CurrentValue;

    public IDisposable? OnChange(Action<T, string?> listener) => null;
}
