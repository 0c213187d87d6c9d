using PairDb.Chaos.Checking;
using PairDb.Chaos.History;
using PairDb.Client;

namespace PairDb.Chaos.Tests.Checking;

/// <summary>
/// Random histories of a correct store: clients interleave reads, blind and read-modify-write puts,
/// deletes and TTL puts on a few keys against <see cref="StoreModel"/>. Each operation takes effect at
/// its own instant (10 ms apart) inside an invoke/complete window that overlaps its neighbours'; a Fail'd
/// write never applies, an Unknown one applies or not by a coin toss.
/// </summary>
internal static class ModelHistory
{
    public static (History.History History, FinalState Final) Generate(int seed, int steps = 300, int clients = 4, int keys = 3)
    {
        var random = new Random(seed);
        var model = new StoreModel();
        var operations = new List<Operation>();
        // A client's read whose context its next step writes back (a read-modify-write or a delete).
        var pending = new (Operation Read, IReadOnlySet<long> Context, bool Delete)?[clients];
        var written = 0;
        for (var step = 0; step < steps; step++)
        {
            var instant = 100 + 10L * step;
            var invoke = instant - random.Next(0, 26);
            var complete = instant + random.Next(0, 26);
            var client = random.Next(clients);
            if (pending[client] is { } rmw)
            {
                pending[client] = null;
                var outcome = WriteOutcome(random, out var applies);
                var value = rmw.Delete ? null : $"c{client}-w{++written}";
                if (applies)
                {
                    model.Write(rmw.Read.Key, value, rmw.Context);
                }
                int? ttl = !rmw.Delete && random.Next(4) == 0 ? 3600 : null;
                operations.Add(new Operation(operations.Count, client, rmw.Delete ? OpKind.Delete : OpKind.Put, rmw.Read.Key, value, ConsistencyLevel.Quorum,
                    rmw.Context.Count > 0, rmw.Read.ValuesRead!, rmw.Read.Index, ttl, invoke, complete, outcome, null));
                continue;
            }

            var key = $"k{random.Next(keys)}";
            switch (random.Next(5))
            {
                case 0 or 1:
                {
                    var unknown = random.Next(10) == 0;
                    var (values, context) = model.Read(key);
                    var read = new Operation(operations.Count, client, OpKind.Read, key, null, (ConsistencyLevel)random.Next(3), false, [], null, null, invoke, complete,
                        unknown ? OpOutcome.Unknown : OpOutcome.Ok, unknown ? null : values);
                    operations.Add(read);
                    var next = random.Next(3);
                    if (!unknown && next > 0 && (next == 1 || values.Count > 0))
                    {
                        pending[client] = (read, context, next == 2);
                    }
                    break;
                }
                default:
                {
                    var outcome = WriteOutcome(random, out var applies);
                    var value = $"c{client}-w{++written}";
                    if (applies)
                    {
                        model.Write(key, value, new HashSet<long>());
                    }
                    int? ttl = random.Next(4) == 0 ? 3600 : null;
                    operations.Add(new Operation(operations.Count, client, OpKind.Put, key, value, ConsistencyLevel.Quorum, false, [], null, ttl, invoke, complete, outcome, null));
                    break;
                }
            }
        }

        var history = new History.History("model", seed, DateTimeOffset.UnixEpoch, operations);
        return (history, new FinalState(model.Final(), [], 100 + 10L * steps + 100));
    }

    private static OpOutcome WriteOutcome(Random random, out bool applies)
    {
        var roll = random.Next(100);
        applies = roll < 70 || (roll >= 85 && random.Next(2) == 0);
        return roll < 70 ? OpOutcome.Ok : roll < 85 ? OpOutcome.Fail : OpOutcome.Unknown;
    }
}
