using PairDb.Chaos.Checking;
using PairDb.Chaos.History;
using PairDb.Client;

namespace PairDb.Chaos.Tests.Checking;

/// <summary>Hand-made histories for checker tests: each call appends one operation with the next index.</summary>
internal sealed class HistoryBuilder
{
    private readonly List<Operation> _operations = [];

    public Operation Put(string key, string value, long at, long done, OpOutcome outcome = OpOutcome.Ok, Operation? from = null, int? ttl = null) =>
        Add(new Operation(0, 0, OpKind.Put, key, value, ConsistencyLevel.Quorum, from is not null, from?.ValuesRead ?? [], from?.Index, ttl, at, done, outcome, null,
            ErrorCode: outcome == OpOutcome.Ok ? null : "TEST"));

    public Operation Read(string key, IReadOnlyList<string> values, long at, long done, ConsistencyLevel consistency = ConsistencyLevel.Quorum) =>
        Add(new Operation(0, 0, OpKind.Read, key, null, consistency, false, [], null, null, at, done, OpOutcome.Ok, values));

    public Operation Delete(string key, Operation from, long at, long done, OpOutcome outcome = OpOutcome.Ok) =>
        Add(new Operation(0, 0, OpKind.Delete, key, null, ConsistencyLevel.Quorum, true, from.ValuesRead!, from.Index, null, at, done, outcome, null));

    public History.History Build() => new("tenant", 1, DateTimeOffset.UnixEpoch, _operations);

    public static FinalState Final(params (string Key, string[] Values)[] keys) =>
        new(keys.ToDictionary(k => k.Key, k => (IReadOnlyList<string>)k.Values, StringComparer.Ordinal));

    private Operation Add(Operation operation)
    {
        var stored = operation with { Index = _operations.Count };
        _operations.Add(stored);
        return stored;
    }
}
