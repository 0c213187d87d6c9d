using PairDb.Coordinator.Security;
using PairDb.Hosting.Security;

namespace PairDb.Coordinator.Tests.Security;

/// <summary>The key shape of the security contract, and the refresh interval's bounds.</summary>
public sealed class ApiKeyFormatTests
{
    [Test]
    public void Format_NewIdAndSecret_ParsesBackToThem()
    {
        var keyId = ApiKeyFormat.NewKeyId();
        var secret = ApiKeyFormat.NewSecret();

        var key = ApiKeyFormat.Format(keyId, secret);

        Assert.That(key, Does.Match("^pdb_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$"));
        Assert.That(key, Has.Length.EqualTo(ApiKeyFormat.Length));
        Assert.That(ApiKeyFormat.TryParse(key, out var parsedId, out var parsedSecret), Is.True);
        Assert.That((parsedId, parsedSecret), Is.EqualTo((keyId, secret)));
    }

    [Test]
    public void NewSecret_EachCallDifferent()
    {
        var secrets = Enumerable.Range(0, 100).Select(_ => ApiKeyFormat.NewSecret()).ToHashSet(StringComparer.Ordinal);

        Assert.That(secrets, Has.Count.EqualTo(100));
    }

    [TestCase("0123456789abcdef", true)]
    [TestCase("0123456789ABCDEF", false)]
    [TestCase("0123456789abcde", false)]
    [TestCase("0123456789abcdeg", false)]
    public void IsKeyId_OnlySixteenLowercaseHex(string keyId, bool expected) =>
        Assert.That(ApiKeyFormat.IsKeyId(keyId), Is.EqualTo(expected));

    [TestCase("00:00:02", true)]
    [TestCase("00:01:00", true)]
    [TestCase("00:00:00", false)]
    [TestCase("-00:00:01", false)]
    [TestCase("00:01:01", false)]
    public void RefreshIntervalValidator_NamesTheSettingWhenOutOfRange(string interval, bool valid)
    {
        var result = new ApiKeyRefreshIntervalValidator().Validate(null, new SecurityOptions { ApiKeyRefreshInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.That(result.Succeeded, Is.EqualTo(valid));
        if (!valid)
        {
            Assert.That(result.FailureMessage, Does.Contain("PairDb:Security:ApiKeyRefreshInterval"));
        }
    }
}
