using CsCheck;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Keys;

namespace PairDb.Shared.Contracts.Tests.Keys;

public class KeyEncodingTests
{
    // Small alphabets make near-collisions (shared prefixes, NULs at the boundary) common.
    private static readonly Gen<string> Tenant = Gen.String[Gen.Char["ab_"], 1, 3];
    private static readonly Gen<byte[]> Key = Gen.Byte[0, 3].Select(b => (byte)(b == 3 ? 0x61 : b)).Array[0, 4];
    private static readonly Gen<(string Tenant, byte[] Key)> Pair = Gen.Select(Tenant, Key);

    [Test]
    public void Encode_Golden_LengthPrefixThenTenantThenKey()
    {
        Assert.That(Convert.ToHexString(KeyEncoding.Encode("t1", "k\0"u8)), Is.EqualTo("0274316B00"));
    }

    [Test]
    public void Encode_BoundaryShiftedPairs_DoNotAlias()
    {
        Assert.That(KeyEncoding.Encode("a", "bc"u8), Is.Not.EqualTo(KeyEncoding.Encode("ab", "c"u8)));
        Assert.That(KeyEncoding.Encode("a", "\0b"u8), Is.Not.EqualTo(KeyEncoding.Encode("a", "b"u8)));
    }

    [Test]
    public void Encode_TenantWithNul_ThrowsInvalidTenantId()
    {
        // ("a\0", "b") cannot even be encoded, so it cannot alias ("a", "\0b").
        Assert.That(() => KeyEncoding.Encode("a\0", "b"u8),
            Throws.TypeOf<PairDbException>().With.Property(nameof(PairDbException.Code)).EqualTo(ErrorCode.InvalidTenantId));
    }

    [Test]
    public void Encode_AnyTwoDifferentPairs_NeverAlias()
    {
        Gen.Select(Pair, Pair).Sample((x, y) =>
        {
            var same = x.Tenant == y.Tenant && x.Key.AsSpan().SequenceEqual(y.Key);
            Assert.That(KeyEncoding.Encode(x.Tenant, x.Key).AsSpan().SequenceEqual(KeyEncoding.Encode(y.Tenant, y.Key)), Is.EqualTo(same));
        }, iter: 2000);
    }

    [Test]
    public void Encode_SameTenant_OrdersLikeTheKeyBytes()
    {
        Gen.Select(Tenant, Key, Key).Sample((tenant, k1, k2) =>
        {
            var encoded = KeyEncoding.Encode(tenant, k1).AsSpan().SequenceCompareTo(KeyEncoding.Encode(tenant, k2));
            Assert.That(Math.Sign(encoded), Is.EqualTo(Math.Sign(k1.AsSpan().SequenceCompareTo(k2))));
        }, iter: 1000);
    }

    [Test]
    public void TenantRange_ContainsExactlyTheTenantsKeys()
    {
        Gen.Select(Tenant, Pair).Sample((tenant, pair) =>
        {
            var (start, end) = KeyEncoding.TenantRange(tenant);
            var encoded = KeyEncoding.Encode(pair.Tenant, pair.Key);
            var inRange = encoded.AsSpan().SequenceCompareTo(start) >= 0 && encoded.AsSpan().SequenceCompareTo(end) < 0;
            Assert.That(inRange, Is.EqualTo(pair.Tenant == tenant));
        }, iter: 2000);
    }

    [Test]
    public void TryDecode_AnyEncodedPair_RoundTrips()
    {
        Pair.Sample(pair =>
        {
            Assert.That(KeyEncoding.TryDecode(KeyEncoding.Encode(pair.Tenant, pair.Key), out var tenant, out var key), Is.True);
            Assert.That((tenant, key.ToArray()), Is.EqualTo((pair.Tenant, pair.Key)));
        }, iter: 500);
    }

    [TestCase("", TestName = "TryDecode_Empty_False")]
    [TestCase("00", TestName = "TryDecode_ZeroTenantLength_False")]
    [TestCase("41", TestName = "TryDecode_TenantLengthOver64_False")]
    [TestCase("0361", TestName = "TryDecode_TruncatedTenant_False")]
    [TestCase("01206B", TestName = "TryDecode_TenantWithSpace_False")]
    [TestCase("01C36B", TestName = "TryDecode_TenantNonAscii_False")]
    public void TryDecode_Malformed_False(string hex)
    {
        Assert.That(KeyEncoding.TryDecode(Convert.FromHexString(hex), out _, out _), Is.False);
    }
}
