namespace PairDb.Client.Tests.Sdk.Fakes;

/// <summary>Base of SDK test fixtures: one fake server per fixture, its script reset before each test.</summary>
public abstract class FakeServerFixture
{
    private FakeKeyValueServer? _server;

    internal FakeKeyValueServer Server => _server ?? throw new InvalidOperationException("the fake server is not started");

    internal FakeKeyValueBehavior Behavior => Server.Behavior;

    [OneTimeSetUp]
    public async Task StartServer() => _server = await FakeKeyValueServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopServer()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [SetUp]
    public void ResetBehavior() => Behavior.Reset();
}
