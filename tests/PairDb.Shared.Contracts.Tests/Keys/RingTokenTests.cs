using PairDb.Contracts.Keys;

namespace PairDb.Shared.Contracts.Tests.Keys;

/// <summary>Ring tokens decide placement in every coordinator: freeze them.</summary>
public class RingTokenTests
{
    [Test]
    public void Of_ReferenceVectors_MatchXxHash64SeedZero()
    {
        Assert.That(RingToken.Of(ReadOnlySpan<byte>.Empty), Is.EqualTo(0xEF46DB3751D8E999UL));
        Assert.That(RingToken.Of("abc"u8), Is.EqualTo(0x44BC2CF5AD770999UL));
    }

    [Test]
    public void Of_TenantAndKey_Golden()
    {
        Assert.That(RingToken.Of("tenant-1", "user:42"u8), Is.EqualTo(GoldenTenant1User42));
    }

    [Test]
    public void Of_TenantAndKey_EqualsTokenOfTheEncodedKey()
    {
        var key = new byte[1500];
        Random.Shared.NextBytes(key);

        Assert.That(RingToken.Of("t", key), Is.EqualTo(RingToken.Of(KeyEncoding.Encode("t", key))));
        Assert.That(RingToken.Of("t", "k"u8), Is.EqualTo(RingToken.Of(KeyEncoding.Encode("t", "k"u8))));
    }

    private const ulong GoldenTenant1User42 = 0xAFBA5BB75231C5E6UL;
}
