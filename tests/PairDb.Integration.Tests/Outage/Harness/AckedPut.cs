namespace PairDb.Integration.Tests.Outage.Harness;

/// <summary>
/// A put the coordinator acknowledged. Every key is written once, blind, so the acknowledged value must
/// be the key's only sibling at every later read: nothing lost, nothing invented.
/// </summary>
/// <param name="Sequence">The order in which the writer issued the put (a put issued after a mark has a higher one).</param>
internal sealed record AckedPut(long Sequence, string Key, string Value);
