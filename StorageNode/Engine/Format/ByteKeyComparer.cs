namespace PairDb.Engine.Format;

/// <summary>Unsigned lexicographic order of user keys; among equal keys, newer sequence numbers first.</summary>
internal static class ByteKeyComparer
{
    public static int CompareInternal(ReadOnlySpan<byte> keyA, long seqA, ReadOnlySpan<byte> keyB, long seqB)
    {
        var c = keyA.SequenceCompareTo(keyB);
        return c != 0 ? c : seqB.CompareTo(seqA);
    }
}
