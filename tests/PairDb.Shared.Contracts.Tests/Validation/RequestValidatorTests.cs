using PairDb.Contracts.Errors;
using PairDb.Contracts.Validation;
using PairDb.Contracts.Versioning;

namespace PairDb.Shared.Contracts.Tests.Validation;

public class RequestValidatorTests
{
    private readonly RequestValidator _validator = new(new ValidationOptions());

    private static readonly byte[] ValidContext =
        VersionVectorFormat.ToArray(VersionVector.From([new Dot("node-1", 3), new Dot("node-2", 1)]));

    private static byte[] Filled(int length) => Enumerable.Repeat((byte)'k', length).ToArray();

    [TestCase("a")]
    [TestCase("Tenant_01-x")]
    [TestCase("0123456789012345678901234567890123456789012345678901234567890123")]
    public void ValidateTenantId_Allowed_IsValid(string tenantId)
    {
        Assert.That(RequestValidator.ValidateTenantId(tenantId).IsValid, Is.True);
    }

    [TestCase("")]
    [TestCase("01234567890123456789012345678901234567890123456789012345678901234")]
    [TestCase("a b")]
    [TestCase("a\0")]
    [TestCase("a.b")]
    [TestCase("caf\u00e9")]
    [TestCase("a\nb")]
    public void ValidateTenantId_Rejected_InvalidTenantId(string tenantId)
    {
        Assert.That(RequestValidator.ValidateTenantId(tenantId).Error, Is.EqualTo(ErrorCode.InvalidTenantId));
    }

    [Test]
    public void ValidateKey_Boundaries_MapToTheirCodes()
    {
        Assert.That(_validator.ValidateKey([]).Error, Is.EqualTo(ErrorCode.InvalidArgument));
        Assert.That(_validator.ValidateKey(Filled(1024)).IsValid, Is.True);
        Assert.That(_validator.ValidateKey(Filled(1025)).Error, Is.EqualTo(ErrorCode.KeyTooLarge));
    }

    [TestCase(new byte[] { 0x61, 0x00 })]
    [TestCase(new byte[] { 0x1F })]
    [TestCase(new byte[] { 0x61, 0x0A, 0x62 })]
    [TestCase(new byte[] { 0x7F })]
    public void ValidateKey_ControlBytes_InvalidArgumentUnlessTrusted(byte[] key)
    {
        Assert.That(_validator.ValidateKey(key).Error, Is.EqualTo(ErrorCode.InvalidArgument));
        Assert.That(_validator.ValidateKey(key, trusted: true).IsValid, Is.True);
    }

    [Test]
    public void ValidateKey_Utf8AndHighBytes_AreAllowed()
    {
        Assert.That(_validator.ValidateKey("caf\u00e9/\u65e5\u672c"u8).IsValid, Is.True);
    }

    [Test]
    public void ValidateKey_TrustedOverTheLimit_StillKeyTooLarge()
    {
        Assert.That(_validator.ValidateKey(new byte[1025], trusted: true).Error, Is.EqualTo(ErrorCode.KeyTooLarge));
    }

    [Test]
    public void ValidateValue_AtAndOverTheLimit()
    {
        Assert.That(_validator.ValidateValue(1024 * 1024).IsValid, Is.True);
        Assert.That(_validator.ValidateValue(1024 * 1024 + 1).Error, Is.EqualTo(ErrorCode.ValueTooLarge));
    }

    [Test]
    public void ValidateContext_EmptyOrWellFormed_IsValid()
    {
        Assert.That(_validator.ValidateContext([]).IsValid, Is.True);
        Assert.That(_validator.ValidateContext(ValidContext).IsValid, Is.True);
    }

    [Test]
    public void ValidateContext_MalformedBody_RejectedUnlessTrusted()
    {
        var damaged = (byte[])ValidContext.Clone();
        damaged[^1] = 0x00; // a zero counter

        Assert.That(_validator.ValidateContext(damaged).Error, Is.EqualTo(ErrorCode.InvalidVectorClock));
        Assert.That(_validator.ValidateContext(damaged, trusted: true).IsValid, Is.True);
    }

    [Test]
    public void ValidateContext_TooManyEntriesOrBytes_RejectedEvenWhenTrusted()
    {
        var validator = new RequestValidator(new ValidationOptions { MaxContextEntries = 1, MaxContextBytes = 64 });
        var big = VersionVectorFormat.ToArray(VersionVector.From([new Dot(new string('n', 100), 1)]));

        Assert.That(validator.ValidateContext(ValidContext, trusted: true).Error, Is.EqualTo(ErrorCode.InvalidVectorClock));
        Assert.That(validator.ValidateContext(big, trusted: true).Error, Is.EqualTo(ErrorCode.InvalidVectorClock));
    }

    [Test]
    public void ValidateWrite_FirstFailureWins_InFieldOrder()
    {
        Assert.That(_validator.ValidateWrite("bad tenant", [], new byte[2 << 20], [0xFF]).Error, Is.EqualTo(ErrorCode.InvalidTenantId));
        Assert.That(_validator.ValidateWrite("t", new byte[2000], new byte[2 << 20], [0xFF]).Error, Is.EqualTo(ErrorCode.KeyTooLarge));
        Assert.That(_validator.ValidateWrite("t", "k"u8, new byte[2 << 20], [0xFF]).Error, Is.EqualTo(ErrorCode.ValueTooLarge));
        Assert.That(_validator.ValidateWrite("t", "k"u8, "v"u8, [0xFF]).Error, Is.EqualTo(ErrorCode.InvalidVectorClock));
        Assert.That(_validator.ValidateDelete("t", "k"u8, [0xFF]).Error, Is.EqualTo(ErrorCode.InvalidVectorClock));
    }

    [Test]
    public void ThrowIfInvalid_Failure_ThrowsItsCode()
    {
        var result = _validator.ValidateValue(int.MaxValue);

        Assert.That(() => result.ThrowIfInvalid(),
            Throws.TypeOf<PairDbException>().With.Property(nameof(PairDbException.Code)).EqualTo(ErrorCode.ValueTooLarge));
    }

    /// <remarks>
    /// Deterministic because nothing but the validator's own code can allocate on this thread while
    /// it is counted. The project runs with tiered compilation off (see the .csproj), so each method
    /// is compiled once, fully optimized, on its first call, and never again: there is no on-stack
    /// replacement of a running loop and no tier-1 recompile whose timing depends on the machine's
    /// load (with tiering on, one full run on a loaded machine counted 128 bytes here).
    /// The warm-up round makes exactly the calls the counted round makes, so every method on the path
    /// is compiled, every static constructor has run and every call site is bound before counting
    /// starts. The counter is this thread's own, so other threads and garbage collections do not
    /// move it.
    /// </remarks>
    [Test]
    public void ValidateWrite_SuccessPath_AllocatesNothing()
    {
        Assert.That(AppContext.GetData("System.Runtime.TieredCompilation"), Is.EqualTo("false"),
            "the test project must run with TieredCompilation false, or this count depends on when the JIT recompiles");
        var key = new byte[1024];
        key.AsSpan().Fill((byte)'k');
        var value = new byte[4096];

        var warmedUp = ValidateSuccessPaths(_validator, key, value, iterations: 1);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var ok = ValidateSuccessPaths(_validator, key, value, iterations: 10_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That((warmedUp, ok), Is.EqualTo((true, true)));
        Assert.That(allocated, Is.Zero);
    }

    private static bool ValidateSuccessPaths(RequestValidator validator, byte[] key, byte[] value, int iterations)
    {
        const string tenant = "tenant-1";
        var ok = true;
        for (var i = 0; i < iterations; i++)
        {
            ok &= validator.ValidateWrite(tenant, key, value, ValidContext).IsValid;
            ok &= validator.ValidateDelete(tenant, key, ValidContext, trusted: true).IsValid;
            ok &= validator.ValidateRead(tenant, key).IsValid;
        }

        return ok;
    }

    [Test]
    public void Options_Problems_NameTheBadSetting()
    {
        var options = new ValidationOptions { MaxKeyBytes = 0, MaxContextEntries = 0 };

        var result = new ValidationOptionsValidator().Validate(null, options);

        Assert.That(result.Failed, Is.True);
        Assert.That(result.FailureMessage, Does.Contain("MaxKeyBytes").And.Contain("MaxContextEntries"));
    }

    [Test]
    public void Options_IsTrusted_OnlyListedClientsAndOnlyWhenEnabled()
    {
        var options = new ValidationOptions { TrustedClients = { "internal-service-1" } };

        Assert.That((options.IsTrusted("internal-service-1"), options.IsTrusted("other"), options.IsTrusted(null)),
            Is.EqualTo((true, false, false)));
        options.SkipValidationForTrusted = false;
        Assert.That(options.IsTrusted("internal-service-1"), Is.False);
    }
}
