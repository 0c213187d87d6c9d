namespace PairDb.Coordinator.Ring;

/// <summary>
/// One run of the greedy token choice described on <see cref="TokenAllocator"/>. Loads are fractions
/// of the ring (doubles); the owner index of the joining node is the number of existing owners.
/// Each step scores every candidate split by the local change it makes (the split range and the few
/// ranges before it whose replica walk crosses the new token), then applies the best one.
/// </summary>
internal sealed class GreedyAllocation
{
    private const double RingSize = 18446744073709551616.0;
    private const int TakeFractions = 7;

    /// <summary>
    /// Weight of primary balance against replica balance in the objective. Replica load is what a
    /// node stores; primary load is what it coordinates. Replica loads are about N times larger, so
    /// equal weights would let primary balance drift; 2 keeps both within a few percent (BalanceTests).
    /// </summary>
    private const double PrimaryWeight = 2.0;

    private readonly List<ulong> _tokens = [];
    private readonly List<int> _owners = [];
    private readonly int _newOwner;
    private readonly int _virtualNodes;
    private readonly int _replicas;
    private readonly double[] _weights;
    private readonly double[] _primary;
    private readonly double[] _replicated;
    private readonly ulong _piece;
    private int[][] _sets = [];
    private readonly Dictionary<int, (double Primary, double Replica)> _delta = [];

    public GreedyAllocation(List<RingNode> owners, int virtualNodes, int replicationFactor)
    {
        _newOwner = owners.Count;
        _virtualNodes = virtualNodes;
        _replicas = Math.Min(replicationFactor, owners.Count + 1);
        _weights = new double[owners.Count + 1];
        _primary = new double[owners.Count + 1];
        _replicated = new double[owners.Count + 1];
        var entries = new List<(ulong Token, int Owner)>();
        long totalWeight = virtualNodes;
        for (var owner = 0; owner < owners.Count; owner++)
        {
            _weights[owner] = Math.Max(owners[owner].Tokens.Length, 1);
            totalWeight += (long)_weights[owner];
            foreach (var token in owners[owner].Tokens)
            {
                entries.Add((token, owner));
            }
        }
        _weights[_newOwner] = virtualNodes;
        entries.Sort((a, b) => a.Token != b.Token ? a.Token.CompareTo(b.Token) : a.Owner.CompareTo(b.Owner));
        foreach (var (token, owner) in entries)
        {
            if (_tokens.Count == 0 || _tokens[^1] != token)
            {
                _tokens.Add(token);
                _owners.Add(owner);
            }
        }
        _piece = (ulong)((UInt128.One << 64) / (ulong)totalWeight);
    }

    public ulong[] Run()
    {
        var chosen = new ulong[_virtualNodes];
        Span<ulong> takes = stackalloc ulong[TakeFractions + 1];
        for (var step = 0; step < _virtualNodes; step++)
        {
            // The joining node is judged per token it will hold after this step, so that it takes
            // a fair share at every step instead of grabbing everything early and overshooting.
            _weights[_newOwner] = step + 1;
            Recompute();
            var best = -1;
            var bestScore = double.MaxValue;
            ulong bestWidth = 0;
            ulong bestTake = 0;
            for (var i = 0; i < _tokens.Count; i++)
            {
                var width = Width(i);
                if (width < 2 || _owners[i] == _newOwner)
                {
                    continue;
                }
                var candidates = Takes(width, takes);
                foreach (var take in candidates)
                {
                    var score = Score(i, take);
                    if (score < bestScore || (score == bestScore && width > bestWidth))
                    {
                        best = i;
                        bestScore = score;
                        bestWidth = width;
                        bestTake = take;
                    }
                }
            }
            var start = _tokens[Previous(best)];
            var token = unchecked(start + bestTake);
            _tokens.Insert(best, token);
            _owners.Insert(best, _newOwner);
            chosen[step] = token;
        }
        Array.Sort(chosen);
        return chosen;
    }

    /// <summary>
    /// Candidate pieces of a range of <paramref name="width"/>: the fair piece, and quarters of the
    /// range, so that the new node can take more from an overloaded node and less from a light one.
    /// </summary>
    private Span<ulong> Takes(ulong width, Span<ulong> destination)
    {
        var count = 0;
        destination[count++] = Math.Min(_piece, width - 1);
        for (var quarter = 1; quarter <= TakeFractions; quarter++)
        {
            var take = (ulong)(((UInt128)width * (uint)quarter) / (TakeFractions + 1));
            if (take >= 1 && take < width)
            {
                destination[count++] = take;
            }
        }
        return destination[..count];
    }

    /// <summary>Change of the objective if the new node took <paramref name="take"/> from the low end of range i.</summary>
    private double Score(int i, ulong take)
    {
        _delta.Clear();
        var taken = take / RingSize;
        Add(_owners[i], -taken, 0);
        Add(_newOwner, taken, 0);

        // The new range (start, start + take] is replicated by the first distinct owners of (X, walk(i)).
        Span<int> fresh = stackalloc int[_replicas];
        var count = FirstDistinct(ReadOnlySpan<int>.Empty, _sets[i], fresh);
        Diff(_sets[i], fresh[..count], taken);

        // Ranges before i whose replica walk reaches the new token before finding enough owners.
        Span<int> segment = stackalloc int[_tokens.Count < 64 ? _tokens.Count : 64];
        var segmentLength = 0;
        var distinct = 0;
        var j = i;
        for (var back = 1; back < _tokens.Count && segmentLength < segment.Length; back++)
        {
            j = Previous(j);
            var owner = _owners[j];
            if (!segment[..segmentLength].Contains(owner))
            {
                distinct++;
            }
            // Keep the segment in walk order: owner j comes first.
            segment[..segmentLength].CopyTo(segment[1..]);
            segment[0] = owner;
            segmentLength++;
            if (distinct >= _replicas)
            {
                break;
            }
            count = FirstDistinct(segment[..segmentLength], _sets[i], fresh);
            Diff(_sets[j], fresh[..count], Width(j) / RingSize);
        }

        var score = 0.0;
        foreach (var (node, change) in _delta)
        {
            var w = _weights[node];
            var p = _primary[node] / w;
            var pNew = (_primary[node] + change.Primary) / w;
            var r = _replicated[node] / w;
            var rNew = (_replicated[node] + change.Replica) / w;
            score += (PrimaryWeight * ((pNew * pNew) - (p * p))) + (rNew * rNew) - (r * r);
        }
        return score;
    }

    /// <summary>First distinct owners of (segment, the new node, then <paramref name="after"/>).</summary>
    private int FirstDistinct(ReadOnlySpan<int> segment, int[] after, Span<int> destination)
    {
        var count = 0;
        foreach (var owner in segment)
        {
            if (count < destination.Length && !destination[..count].Contains(owner))
            {
                destination[count++] = owner;
            }
        }
        if (count < destination.Length && !destination[..count].Contains(_newOwner))
        {
            destination[count++] = _newOwner;
        }
        foreach (var owner in after)
        {
            if (count < destination.Length && !destination[..count].Contains(owner))
            {
                destination[count++] = owner;
            }
        }
        return count;
    }

    private void Diff(int[] before, ReadOnlySpan<int> after, double width)
    {
        foreach (var owner in before)
        {
            if (!after.Contains(owner))
            {
                Add(owner, 0, -width);
            }
        }
        foreach (var owner in after)
        {
            if (Array.IndexOf(before, owner) < 0)
            {
                Add(owner, 0, width);
            }
        }
    }

    private void Add(int owner, double primary, double replica)
    {
        var current = _delta.GetValueOrDefault(owner);
        _delta[owner] = (current.Primary + primary, current.Replica + replica);
    }

    private void Recompute()
    {
        Array.Clear(_primary);
        Array.Clear(_replicated);
        _sets = new int[_tokens.Count][];
        Span<int> found = stackalloc int[_replicas];
        for (var i = 0; i < _tokens.Count; i++)
        {
            var count = 0;
            for (var step = 0; step < _tokens.Count && count < _replicas; step++)
            {
                var owner = _owners[(i + step) % _tokens.Count];
                if (!found[..count].Contains(owner))
                {
                    found[count++] = owner;
                }
            }
            _sets[i] = found[..count].ToArray();
            var width = Width(i) / RingSize;
            _primary[_owners[i]] += width;
            foreach (var owner in _sets[i])
            {
                _replicated[owner] += width;
            }
        }
    }

    private int Previous(int index) => index == 0 ? _tokens.Count - 1 : index - 1;

    /// <summary>Tokens in the range ending at index i; a lone token's range is the whole ring.</summary>
    private ulong Width(int index) =>
        _tokens.Count == 1 ? ulong.MaxValue : unchecked(_tokens[index] - _tokens[Previous(index)]);
}
