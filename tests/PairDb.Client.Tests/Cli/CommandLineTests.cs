using PairDb.Client.Cli;

namespace PairDb.Client.Tests.Cli;

public sealed class CommandLineTests
{
    [Test]
    public void Parse_ValuesFlagsAndPositionals_SeparatesThem()
    {
        var parsed = CommandLine.Parse(["t1", "--data", "/tmp/x", "k1", "--json", "--w=2"], values: ["--w"]);

        Assert.That(parsed.Positionals, Is.EqualTo(new[] { "t1", "k1" }));
        Assert.That(parsed.Value("--data"), Is.EqualTo("/tmp/x"));
        Assert.That(parsed.Int("--w", 1, 16), Is.EqualTo(2));
        Assert.That(parsed.Json, Is.True);
    }

    [Test]
    public void Parse_UnknownOption_ThrowsNamingIt()
    {
        var error = Assert.Throws<UsageException>(() => CommandLine.Parse(["--bogus"]));

        Assert.That(error!.Message, Is.EqualTo("unknown option --bogus"));
    }

    [Test]
    public void Parse_ValueOptionAtTheEnd_ThrowsNeedsAValue()
    {
        var error = Assert.Throws<UsageException>(() => CommandLine.Parse(["--data"]));

        Assert.That(error!.Message, Is.EqualTo("--data needs a value"));
    }

    [Test]
    public void Parse_DoubleDashAndNegativeNumbers_ArePositionals()
    {
        var parsed = CommandLine.Parse(["-5", "--", "--json", "-x"]);

        Assert.That(parsed.Positionals, Is.EqualTo(new[] { "-5", "--json", "-x" }));
        Assert.That(parsed.Json, Is.False);
    }

    [TestCase("abc")]
    [TestCase("0")]
    [TestCase("17")]
    public void Int_OutOfRangeOrNotANumber_ThrowsWithRange(string text)
    {
        var parsed = CommandLine.Parse(["--w", text], values: ["--w"]);

        var error = Assert.Throws<UsageException>(() => parsed.Int("--w", 1, 16));

        Assert.That(error!.Message, Does.Contain("1..16").And.Contain(text));
    }
}
