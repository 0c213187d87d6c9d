using PairDb.Contracts.Errors;
using PairDb.Coordinator.Api.Grpc;

namespace PairDb.Coordinator.Tests.Security;

/// <summary>The tenant of a data request comes from the credential: naming another is PERMISSION_DENIED before anything runs.</summary>
public sealed class KeyValueCallContextTests
{
    private static readonly KeyValueCallContext BoundToA = new(null, Trusted: false, DateTime.MaxValue, BoundTenant: "tenant-a");

    [Test]
    public void ResolveTenant_CredentialsOwnTenant_Accepted() =>
        Assert.That(BoundToA.ResolveTenant("tenant-a"), Is.EqualTo("tenant-a"));

    [Test]
    public void ResolveTenant_AnotherTenant_PermissionDenied1011()
    {
        var refused = Assert.Throws<PairDbException>(() => BoundToA.ResolveTenant("tenant-b"));
        Assert.That(refused!.Code, Is.EqualTo(ErrorCode.PermissionDenied));
    }

    [Test]
    public void RequireTenants_OneBatchItemOfAnotherTenant_RefusesTheWholeBatch()
    {
        var refused = Assert.Throws<PairDbException>(() => BoundToA.RequireTenants(["tenant-a", "tenant-b", "tenant-a"], static t => t));
        Assert.That(refused!.Code, Is.EqualTo(ErrorCode.PermissionDenied));
    }

    [Test]
    public void ResolveTenant_NoBoundTenant_InsecureHost_AnyTenant() =>
        Assert.That(new KeyValueCallContext(null, false, DateTime.MaxValue).ResolveTenant("tenant-b"), Is.EqualTo("tenant-b"));
}
