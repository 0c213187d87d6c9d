namespace PairDb.Testing.Reads;

/// <summary>Whether a read may return the same acknowledged value under more than one dot (see <see cref="ExactRead.Problem(string, IEnumerable{string}, IReadOnlyCollection{string}, RepeatedDots)"/>).</summary>
public enum RepeatedDots
{
    /// <summary>Each expected value exactly once: no replica died or timed out while the puts were coordinated.</summary>
    Refused,

    /// <summary>A put may have been coordinated twice (a replica killed or timed out mid-call): repeats of an acknowledged value are fine.</summary>
    Accepted,
}
