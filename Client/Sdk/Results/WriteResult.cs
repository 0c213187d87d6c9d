namespace PairDb.Client;

/// <summary>The outcome of a put or a delete.</summary>
/// <param name="Context">The context after the write: writing with it replaces what this write stored.</param>
public sealed record WriteResult(ReadOnlyMemory<byte> Context);
