using PairDb.Client.Tooling;
using PairDb.Testing;

namespace PairDb.Client.Tests.Tooling;

public sealed class LogTailTests
{
    [Test]
    public void Read_LongLog_ReturnsLastLinesInOrder()
    {
        using var directory = TestDirectory.Create();
        var path = directory.Combine("host.log");
        File.WriteAllLines(path, Enumerable.Range(1, 1000).Select(i => $"line {i}"));

        var tail = LogTail.Read(path, 3);

        Assert.That(tail, Is.EqualTo("line 998\nline 999\nline 1000"));
    }

    [Test]
    public void Read_MissingLog_SaysSo()
    {
        using var directory = TestDirectory.Create();

        var tail = LogTail.Read(directory.Combine("absent.log"), 5);

        Assert.That(tail, Does.Contain("no log file"));
    }
}
