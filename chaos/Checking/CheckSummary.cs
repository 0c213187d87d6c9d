namespace PairDb.Chaos.Checking;

/// <summary>What a check looked at, for the report: operation counts by kind and outcome, keys, final values.</summary>
/// <param name="Operations">Operations in the history.</param>
/// <param name="ByKindAndOutcome">Counts keyed <c>put/ok</c>, <c>read/unknown</c>, ...</param>
/// <param name="Keys">Keys the history touched.</param>
/// <param name="FinalValues">Live values in the final state, over every key.</param>
public sealed record CheckSummary(
    int Operations,
    IReadOnlyDictionary<string, int> ByKindAndOutcome,
    int Keys,
    int FinalValues)
{
    public static CheckSummary Empty { get; } = new(0, new Dictionary<string, int>(), 0, 0);
}
