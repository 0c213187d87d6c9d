using CsCheck;
using PairDb.Contracts.Versioning;

namespace PairDb.Shared.Contracts.Tests.Versioning;

/// <summary>
/// Generates realistic replica states: three replicas that coordinate writes and deletes with
/// (possibly stale) client contexts and sync with each other in random order. Every state that
/// ever existed is returned, so properties run over states from one causal history.
/// </summary>
internal static class Histories
{
    public static readonly string[] Nodes = ["n0", "n1", "n2"];

    private static readonly Gen<(int Kind, int Replica, int Other, int Pick, byte Value)> Op =
        Gen.Select(Gen.Int[0, 4], Gen.Int[0, 2], Gen.Int[0, 2], Gen.Int[0, 1000], Gen.Byte);

    /// <summary>The operations of one history, for <see cref="Run"/>.</summary>
    public static readonly Gen<(int Kind, int Replica, int Other, int Pick, byte Value)[]> Operations = Op.Array[0, 30];

    /// <summary>Every state of one history; never empty (the three initial replicas come first).</summary>
    public static readonly Gen<SiblingSet[]> States = Operations.Select(ops => Run(ops));

    /// <summary>Three states of one history.</summary>
    public static readonly Gen<(SiblingSet A, SiblingSet B, SiblingSet C)> Triples =
        States.SelectMany(states =>
            Gen.Select(Gen.Int[0, states.Length - 1], Gen.Int[0, states.Length - 1], Gen.Int[0, states.Length - 1])
                .Select(t => (states[t.Item1], states[t.Item2], states[t.Item3])));

    /// <param name="ops">The operations, in order.</param>
    /// <param name="beforeWrite">
    /// Called before each coordinated write or delete with the client context it carries, the set the
    /// coordinating replica holds, and that replica's actor: what a storage node checks the context against.
    /// </param>
    public static SiblingSet[] Run((int Kind, int Replica, int Other, int Pick, byte Value)[] ops, Action<VersionVector, SiblingSet, string>? beforeWrite = null)
    {
        SiblingSet[] replicas = [SiblingSet.Empty, SiblingSet.Empty, SiblingSet.Empty];
        var contexts = new List<VersionVector> { VersionVector.Empty };
        var all = new List<SiblingSet>(replicas);
        foreach (var (kind, r, other, pick, value) in ops)
        {
            var context = contexts[pick % contexts.Count];
            if (kind is 0 or 1)
            {
                beforeWrite?.Invoke(context, replicas[r], Nodes[r]);
            }
            else if (kind == 4)
            {
                beforeWrite?.Invoke(VersionVector.Empty, replicas[r], Nodes[r]);
            }

            switch (kind)
            {
                case 0:
                    replicas[r] = replicas[r].Update(context, Nodes[r], new[] { value }, value % 5 == 0 ? value + 1L : 0L);
                    break;
                case 1:
                    replicas[r] = replicas[r].Delete(context, Nodes[r]);
                    break;
                case 2:
                    replicas[r] = SiblingSet.Merge(replicas[r], replicas[other]);
                    break;
                case 3:
                    // A client read: its context may be used (stale) by any later write.
                    contexts.Add(replicas[other].Context);
                    break;
                default:
                    replicas[r] = replicas[r].Update(VersionVector.Empty, Nodes[r], new[] { value });
                    break;
            }

            all.Add(replicas[r]);
        }

        all.AddRange(replicas);
        return [.. all];
    }
}
