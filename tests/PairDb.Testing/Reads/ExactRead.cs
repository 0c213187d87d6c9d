namespace PairDb.Testing.Reads;

/// <summary>
/// The one definition of "the read returned what was acknowledged": the siblings' values are exactly the expected
/// values, nothing missing and nothing invented. "Some sibling equals the acknowledged value" is not a check: a
/// read with an invented sibling next to it passes that.
/// </summary>
public static class ExactRead
{
    /// <summary>
    /// Null when <paramref name="siblings"/> are exactly <paramref name="expected"/> (as a multiset: order does not
    /// matter, each expected value once); otherwise what was wrong, naming <paramref name="key"/>.
    /// With <see cref="RepeatedDots.Accepted"/>, an expected value may also appear more than once: a blind put whose
    /// coordinating replica did not answer (killed, timed out) may have been applied there and is then coordinated
    /// again by the next replica, which cannot know, so two dots carry the same acknowledged value. A value that was
    /// not acknowledged is never accepted, nor is a missing one.
    /// </summary>
    public static string? Problem(string key, IEnumerable<string> siblings, IReadOnlyCollection<string> expected, RepeatedDots repeated)
    {
        var actual = siblings.Order(StringComparer.Ordinal).ToList();
        var wanted = expected.Order(StringComparer.Ordinal).ToList();
        var exact = repeated == RepeatedDots.Accepted
            ? actual.Distinct(StringComparer.Ordinal).SequenceEqual(wanted.Distinct(StringComparer.Ordinal), StringComparer.Ordinal)
            : actual.SequenceEqual(wanted, StringComparer.Ordinal);
        return exact ? null : $"{key}: [{Shorten(actual)}] instead of [{Shorten(wanted)}]";
    }

    /// <summary>The single-value case: every key written once, so the acknowledged value and nothing else.</summary>
    public static string? Problem(string key, IEnumerable<string> siblings, string expected, RepeatedDots repeated) =>
        Problem(key, siblings, [expected], repeated);

    /// <summary>Fails the test unless <paramref name="siblings"/> are exactly <paramref name="expected"/>.</summary>
    public static void AssertValues(string key, IEnumerable<string> siblings, IReadOnlyCollection<string> expected, RepeatedDots repeated, string because)
    {
        var problem = Problem(key, siblings, expected, repeated);
        NUnit.Framework.Assert.That(problem, NUnit.Framework.Is.Null, because);
    }

    // Values of kilobytes would drown the message; the head and the length tell them apart.
    private static string Shorten(IEnumerable<string> values) =>
        string.Join(", ", values.Select(v => v.Length <= 40 ? v : $"{v[..40]}...({v.Length} chars)"));
}
