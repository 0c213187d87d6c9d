using PairDb.Contracts.Keys;

namespace PairDb.Coordinator.Ring;

/// <summary>
/// An immutable snapshot of the consistent-hash ring. A key's token is <see cref="RingToken.Of(ReadOnlySpan{char}, ReadOnlySpan{byte})"/>;
/// the token <c>t</c> is owned by the first ring token clockwise that is &gt;= t (wrapping), and the
/// preference list is the first N distinct member nodes met walking clockwise from there.
/// Members are the nodes whose state puts them in the ring (NORMAL and LEAVING); every registered
/// node, members or not, is in <see cref="Nodes"/>. Lookups are a binary search and a short walk,
/// with no allocation in the span overloads.
/// </summary>
public sealed partial class TokenRing
{
    private readonly ulong[] _tokens;
    private readonly int[] _owners;
    private readonly Dictionary<string, RingNode> _byId;

    internal TokenRing(long version, RingNode[] members, ulong[] tokens, int[] owners, Dictionary<string, RingNode> byId)
    {
        Version = version;
        Members = members;
        _tokens = tokens;
        _owners = owners;
        _byId = byId;
    }

    /// <summary>An empty ring: no nodes, every preference list empty.</summary>
    public static TokenRing Empty { get; } = new(0, [], [], [], new Dictionary<string, RingNode>(StringComparer.Ordinal));

    /// <summary>Increases with every rebuild by the same provider; 0 for <see cref="Empty"/>.</summary>
    public long Version { get; }

    /// <summary>Ring members in node id order; the indexes that the span overloads return point here.</summary>
    public IReadOnlyList<RingNode> Members { get; }

    /// <summary>Every registered node, members or not.</summary>
    public IReadOnlyCollection<RingNode> Nodes => _byId.Values;

    /// <summary>How many tokens the ring holds.</summary>
    public int TokenCount => _tokens.Length;

    /// <summary>
    /// Extra write targets of the ranges in motion (BOOTSTRAPPING and LEAVING nodes). Set by
    /// <see cref="RingProvider"/> before the ring is published, never after.
    /// </summary>
    public Movement.PendingRanges Pending { get; internal set; } = Movement.PendingRanges.None;

    /// <summary>The ring's tokens, ascending.</summary>
    public ReadOnlySpan<ulong> Tokens => _tokens;

    public bool TryGetNode(string nodeId, out RingNode node) => _byId.TryGetValue(nodeId, out node!);

    /// <summary>
    /// Fills <paramref name="memberIndexes"/> with the preference list of <paramref name="token"/>
    /// (indexes into <see cref="Members"/>, primary first) and returns how many it wrote: the
    /// span's length, or fewer when the ring has fewer members.
    /// </summary>
    public int GetPreferenceList(ulong token, Span<int> memberIndexes)
    {
        var want = Math.Min(memberIndexes.Length, Members.Count);
        return want == 0 ? 0 : Walk(FirstAtOrAfter(token), memberIndexes[..want]);
    }

    /// <summary>The preference list of a key (see <see cref="GetPreferenceList(ulong, Span{int})"/>).</summary>
    public int GetPreferenceList(ReadOnlySpan<char> tenantId, ReadOnlySpan<byte> key, Span<int> memberIndexes) =>
        GetPreferenceList(RingToken.Of(tenantId, key), memberIndexes);

    /// <summary>The first <paramref name="count"/> distinct members clockwise from the token; allocates.</summary>
    public IReadOnlyList<RingNode> GetPreferenceList(ulong token, int count)
    {
        Span<int> indexes = count <= 16 ? stackalloc int[count] : new int[count];
        var found = GetPreferenceList(token, indexes);
        var nodes = new RingNode[found];
        for (var i = 0; i < found; i++)
        {
            nodes[i] = Members[indexes[i]];
        }
        return nodes;
    }

    /// <summary>The member that owns the token's first replica, or null on an empty ring.</summary>
    public RingNode? GetPrimary(ulong token) => _tokens.Length == 0 ? null : Members[_owners[FirstAtOrAfter(token)]];

    /// <summary>Index of the first token &gt;= <paramref name="token"/>, wrapping to 0 past the last.</summary>
    private int FirstAtOrAfter(ulong token)
    {
        int low = 0, high = _tokens.Length;
        while (low < high)
        {
            var mid = (int)((uint)(low + high) >> 1);
            if (_tokens[mid] < token)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low == _tokens.Length ? 0 : low;
    }

    /// <summary>Walks clockwise from token index <paramref name="start"/> collecting distinct owners.</summary>
    private int Walk(int start, Span<int> destination)
    {
        var found = 0;
        for (var step = 0; step < _tokens.Length && found < destination.Length; step++)
        {
            var index = start + step;
            if (index >= _tokens.Length)
            {
                index -= _tokens.Length;
            }
            var owner = _owners[index];
            if (!destination[..found].Contains(owner))
            {
                destination[found++] = owner;
            }
        }
        return found;
    }
}
