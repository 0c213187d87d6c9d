namespace PairDb.Engine.Tests;

public sealed class SmokeTests
{
    [Test]
    public void EngineAssembly_Loads_HasName()
    {
        Assert.That(typeof(SmokeTests).Assembly.GetName().Name, Is.EqualTo("PairDb.Engine.Tests"));
    }
}
