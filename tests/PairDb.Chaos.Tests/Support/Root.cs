using PairDb.Chaos.Network;

namespace PairDb.Chaos.Tests.Support;

/// <summary>Ignores a test, saying why, when the machine cannot run the fault mechanism it checks.</summary>
internal static class Root
{
    public static async Task RequireNetworkAsync()
    {
        if (await Namespaces.UnavailableReasonAsync() is { } why)
        {
            Assert.Ignore(why);
        }
    }

    public static void Require(string what)
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            Assert.Ignore($"{what} needs root on Linux");
        }
    }
}
