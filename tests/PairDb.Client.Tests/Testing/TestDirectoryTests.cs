using PairDb.Testing;

namespace PairDb.Client.Tests.Testing;

public sealed class TestDirectoryTests
{
    [Test]
    public void Create_Twice_GivesDistinctDirectoriesUnderTemp()
    {
        using var first = TestDirectory.Create();
        using var second = TestDirectory.Create();

        Assert.Multiple(() =>
        {
            Assert.That(first.Path, Is.Not.EqualTo(second.Path));
            Assert.That(first.Path, Does.StartWith(Path.GetTempPath()));
            Assert.That(Directory.Exists(first.Path), Is.True);
            Assert.That(Path.GetFileName(first.Path), Does.StartWith(nameof(Create_Twice_GivesDistinctDirectoriesUnderTemp)));
        });
    }

    [Test]
    public void Dispose_WithNestedFiles_RemovesDirectory()
    {
        var directory = TestDirectory.Create();
        Directory.CreateDirectory(directory.Combine("a", "b"));
        File.WriteAllText(directory.Combine("a", "b", "file.txt"), "x");

        directory.Dispose();

        Assert.That(Directory.Exists(directory.Path), Is.False);
    }
}
