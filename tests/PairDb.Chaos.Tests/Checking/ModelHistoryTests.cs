using PairDb.Chaos.Checking;
using PairDb.Chaos.History;

namespace PairDb.Chaos.Tests.Checking;

/// <summary>
/// Randomised: a correct store's histories always check valid, and damaging the final state the way a
/// buggy store would (losing an acknowledged value, inventing one, applying a failed write) is always caught.
/// </summary>
public sealed class ModelHistoryTests
{
    private const int Seeds = 300;

    [Test]
    public void Check_HistoriesOfACorrectStore_AreAlwaysValid()
    {
        for (var seed = 0; seed < Seeds; seed++)
        {
            var (history, final) = ModelHistory.Generate(seed);

            var verdict = new HistoryChecker().Check(history, final);

            Assert.That(verdict.Valid, Is.True, $"seed {seed}: {string.Join("; ", verdict.Anomalies)}");
        }
    }

    [Test]
    public void Check_SameHistoryTwice_GivesTheSameVerdict()
    {
        var (history, final) = ModelHistory.Generate(11);
        var damaged = final with { ValuesByKey = final.ValuesByKey.ToDictionary(pair => pair.Key, _ => (IReadOnlyList<string>)["ghost"]) };
        var reloaded = PairDb.Chaos.History.History.FromJson(history.ToJson());

        var first = new HistoryChecker().Check(history, damaged).ToJson();
        var second = new HistoryChecker().Check(reloaded, damaged).ToJson();

        Assert.That(second, Is.EqualTo(first));
        Assert.That(first, Does.Contain(AnomalyKinds.LostWrite).And.Contain(AnomalyKinds.InventedValue));
    }

    [Test]
    public void Check_ModelHistories_ExerciseEveryRule()
    {
        // Guards the two tests around it against a generator that stopped producing what they rely on.
        var (history, final) = ModelHistory.Generate(7);
        var operations = history.Operations;

        Assert.That(operations.Count(o => o is { Kind: OpKind.Put, WithContext: false, Outcome: OpOutcome.Ok }), Is.GreaterThan(10), "blind puts");
        Assert.That(operations.Count(o => o is { Kind: OpKind.Put, WithContext: true, Outcome: OpOutcome.Ok }), Is.GreaterThan(10), "read-modify-writes");
        Assert.That(operations.Count(o => o is { Kind: OpKind.Delete, Outcome: OpOutcome.Ok }), Is.GreaterThan(5), "deletes");
        Assert.That(operations.Count(o => o is { Kind: OpKind.Put, TtlSeconds: not null }), Is.GreaterThan(5), "TTL puts");
        Assert.That(operations.Count(o => o.Outcome == OpOutcome.Unknown), Is.GreaterThan(5), "unknown outcomes");
        Assert.That(operations.Count(o => o is { Kind: OpKind.Read, ValuesRead.Count: > 1 }), Is.GreaterThan(5), "reads of siblings");
        Assert.That(final.ValuesByKey.Values.Sum(values => values.Count), Is.GreaterThan(0), "final values");
    }

    [Test]
    public void Check_AcknowledgedValueDroppedFromFinalState_IsAlwaysCaught()
    {
        var dropped = 0;
        for (var seed = 0; seed < Seeds; seed++)
        {
            var (history, final) = ModelHistory.Generate(seed);
            var random = new Random(seed);
            // An acknowledged value that no write which may have applied covered: the store must keep it.
            var superseded = history.Operations.Where(o => o.MayHaveApplied).SelectMany(o => o.ContextValues.Select(v => (o.Key, v))).ToHashSet();
            var candidates = history.Operations
                .Where(o => o is { Kind: OpKind.Put, Outcome: OpOutcome.Ok } && !superseded.Contains((o.Key, o.Value!)))
                .ToList();
            if (candidates.Count == 0)
            {
                continue;
            }
            var victim = candidates[random.Next(candidates.Count)];
            Assert.That(final.ValuesOf(victim.Key), Does.Contain(victim.Value), $"seed {seed}: the model kept #{victim.Index}");
            var damaged = new Dictionary<string, IReadOnlyList<string>>(final.ValuesByKey)
            {
                [victim.Key] = [.. final.ValuesOf(victim.Key).Where(v => v != victim.Value)],
            };

            var verdict = new HistoryChecker().Check(history, final with { ValuesByKey = damaged });

            Assert.That(verdict.Valid, Is.False, $"seed {seed}: dropping {victim.Describe()} went unnoticed");
            Assert.That(verdict.Anomalies.Select(a => (a.Kind, a.Values.Single())),
                Is.EqualTo(new[] { (victim.TtlSeconds is null ? AnomalyKinds.LostWrite : AnomalyKinds.LostTtlWrite, victim.Value!) }), $"seed {seed}");
            dropped++;
        }
        Assert.That(dropped, Is.GreaterThan(Seeds * 9 / 10), "seeds with an acknowledged, unsuperseded value to drop");
    }

    [Test]
    public void Check_InventedOrFailedValueAddedToFinalState_IsAlwaysCaught()
    {
        for (var seed = 0; seed < Seeds; seed++)
        {
            var (history, final) = ModelHistory.Generate(seed);
            var random = new Random(seed);
            var failed = history.Operations.Where(o => o is { Kind: OpKind.Put, Outcome: OpOutcome.Fail }).ToList();
            var (key, value, kind) = failed.Count > 0 && random.Next(2) == 0
                ? (failed[random.Next(failed.Count)].Key, failed[random.Next(failed.Count)].Value!, AnomalyKinds.FailedWriteApplied)
                : ("k0", "never-written", AnomalyKinds.InventedValue);
            if (kind == AnomalyKinds.FailedWriteApplied)
            {
                var put = failed.First(o => o.Value == value);
                key = put.Key;
            }
            var damaged = new Dictionary<string, IReadOnlyList<string>>(final.ValuesByKey) { [key] = [.. final.ValuesOf(key), value] };

            var verdict = new HistoryChecker().Check(history, final with { ValuesByKey = damaged });

            Assert.That(verdict.Anomalies.Select(a => (a.Kind, a.Values.Single())), Is.EqualTo(new[] { (kind, value) }), $"seed {seed}");
        }
    }
}
