using System.Net;
using System.Text.Json;
using Grpc.Core;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Integration.Tests.Support;
using static PairDb.Integration.Tests.Support.Rpc;

namespace PairDb.Integration.Tests;

/// <summary>
/// Issue 14, the policy matrix on a secure cluster of real processes: who may call what, refusals as pairdb errors
/// (1010 no valid credential, 1011 wrong identity) with nothing changed, member certificates only from the cluster
/// CA, TLS trusted only against the cluster CA, and the internal plane working over member TLS.
/// </summary>
[NonParallelizable]
public sealed class SecurityMatrixTests
{
    private const string Tenant = "tenant-secure";
    private SecureCluster _cluster = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _cluster = await SecureCluster.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _cluster.DisposeAsync();

    private int NodeGrpc => _cluster.Nodes[0].Grpc;

    [Test]
    public async Task SecureCluster_InternalPlaneOverMemberTls_NodesBootstrappedUpAndDialledOverHttps()
    {
        // Bootstrap (streaming, disk checks) and health probing went over member TLS to reach NORMAL and UP (SecureCluster.StartAsync).
        Assert.That(await _cluster.ScalarAsync<long>("SELECT COUNT(*) FROM storage_nodes WHERE scheme = 'https'"), Is.EqualTo(3));
        using var channel = _cluster.Channel(_cluster.Coordinator.Grpc);
        var status = await new CoordinatorService.CoordinatorServiceClient(channel).GetStorageNodeStatusAsync(
            new GetStorageNodeStatusRequest { NodeId = "storage-node-2" }, _cluster.Operator);
        Assert.That((status.Node.State, status.Node.Status), Is.EqualTo((NodeState.Normal, NodeStatus.Up)));
    }

    [Test]
    public async Task KeyValuePut_NoCredential_Unauthenticated1010()
    {
        using var channel = _cluster.Channel(_cluster.Coordinator.Grpc);
        var code = await ErrorOfAsync(() => new KeyValueService.KeyValueServiceClient(channel)
            .PutAsync(new PutRequest { TenantId = Tenant, Key = Bytes("k"), Value = Bytes("v") }).ResponseAsync);
        Assert.That(code, Is.EqualTo(ErrorCode.Unauthenticated));
    }

    [Test]
    public async Task KeyValuePut_OperatorToken_PermissionDenied1011()
    {
        using var channel = _cluster.Channel(_cluster.Coordinator.Grpc);
        var code = await ErrorOfAsync(() => new KeyValueService.KeyValueServiceClient(channel)
            .PutAsync(new PutRequest { TenantId = Tenant, Key = Bytes("k"), Value = Bytes("v") }, _cluster.Operator).ResponseAsync);
        Assert.That(code, Is.EqualTo(ErrorCode.PermissionDenied));
    }

    [Test]
    public async Task KeyValuePut_MemberCertificate_PermissionDenied1011()
    {
        using var channel = _cluster.Channel(_cluster.Coordinator.Grpc, _cluster.Credentials.ClientMember);
        var code = await ErrorOfAsync(() => new KeyValueService.KeyValueServiceClient(channel)
            .PutAsync(new PutRequest { TenantId = Tenant, Key = Bytes("k"), Value = Bytes("v") }).ResponseAsync);
        Assert.That(code, Is.EqualTo(ErrorCode.PermissionDenied));
    }

    [Test]
    public async Task CoordinatorAdminHttp_NoCredential401_UnknownBearer401_Operator200()
    {
        using var anonymous = _cluster.Http(_cluster.Coordinator.Http);
        using var tenantLike = _cluster.Http(_cluster.Coordinator.Http, bearer: "pdb_0123456789abcdef_not-a-key-of-this-cluster");
        using var operatorHttp = _cluster.Http(_cluster.Coordinator.Http, bearer: _cluster.Credentials.OperatorToken);

        using var none = await anonymous.GetAsync("/api/v1/nodes");
        using var wrong = await tenantLike.GetAsync("/api/v1/nodes");
        using var allowed = await operatorHttp.GetAsync("/api/v1/nodes");

        Assert.Multiple(async () =>
        {
            Assert.That(none.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await ErrorCodeOfAsync(none), Is.EqualTo((int)ErrorCode.Unauthenticated));
            Assert.That(wrong.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(allowed.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
    }

    [Test]
    public async Task CoordinatorLiveness_NoCredential_Answers()
    {
        using var anonymous = _cluster.Http(_cluster.Coordinator.Http);
        using var live = await anonymous.GetAsync("/health/live");
        using var metrics = await anonymous.GetAsync("/metrics");
        Assert.That((live.StatusCode, metrics.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.Unauthorized)));
    }

    [Test]
    public async Task NodeStorageService_OperatorClearAllAndReplicaWrite_1011AndDataStillThere_MemberReads()
    {
        using var member = _cluster.Channel(NodeGrpc, _cluster.Credentials.ClientMember);
        using var anonymous = _cluster.Channel(NodeGrpc);
        var asMember = new StorageService.StorageServiceClient(member);
        var asOperatorOrNobody = new StorageService.StorageServiceClient(anonymous);
        await asMember.CoordinatedWriteAsync(new CoordinatedWriteRequest { TenantId = Tenant, Key = Bytes("kept"), Value = Bytes("v1") });

        var clearAll = await ErrorOfAsync(() => asOperatorOrNobody.ClearAllAsync(new ClearAllRequest(), _cluster.Operator).ResponseAsync);
        var replicaWrite = await ErrorOfAsync(() => asOperatorOrNobody.ReplicaWriteAsync(
            new ReplicaWriteRequest { TenantId = Tenant, Key = Bytes("kept"), Versions = Google.Protobuf.ByteString.Empty }, _cluster.Operator).ResponseAsync);
        var anonymousRead = await ErrorOfAsync(() => asOperatorOrNobody.ReadAsync(new ReadRequest { TenantId = Tenant, Key = Bytes("kept") }).ResponseAsync);
        var read = await asMember.ReadAsync(new ReadRequest { TenantId = Tenant, Key = Bytes("kept") });

        Assert.Multiple(() =>
        {
            Assert.That(clearAll, Is.EqualTo(ErrorCode.PermissionDenied));
            Assert.That(replicaWrite, Is.EqualTo(ErrorCode.PermissionDenied));
            Assert.That(anonymousRead, Is.EqualTo(ErrorCode.Unauthenticated));
            Assert.That(read.Found, Is.True, "the refused ClearAll changed nothing");
        });
    }

    [Test]
    public async Task NodeHttpClearAll_NoCredential401_MemberCertificate403_DataStillThere()
    {
        using var member = _cluster.Channel(NodeGrpc, _cluster.Credentials.ClientMember);
        var asMember = new StorageService.StorageServiceClient(member);
        await asMember.CoordinatedWriteAsync(new CoordinatedWriteRequest { TenantId = Tenant, Key = Bytes("kept-http"), Value = Bytes("v1") });
        using var anonymous = _cluster.Http(_cluster.Nodes[0].Http);
        using var memberHttp = _cluster.Http(_cluster.Nodes[0].Http, clientCertificate: _cluster.Credentials.ClientMember);

        using var none = await anonymous.PostAsync("/api/v1/data/clear-all", null);
        using var byMember = await memberHttp.PostAsync("/api/v1/data/clear-all", null);
        var read = await asMember.ReadAsync(new ReadRequest { TenantId = Tenant, Key = Bytes("kept-http") });

        Assert.Multiple(async () =>
        {
            Assert.That(none.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
            Assert.That(await ErrorCodeOfAsync(none), Is.EqualTo((int)ErrorCode.Unauthenticated));
            Assert.That(byMember.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That(await ErrorCodeOfAsync(byMember), Is.EqualTo((int)ErrorCode.PermissionDenied));
            Assert.That(read.Found, Is.True, "the refused clear-all changed nothing");
        });
    }

    [Test]
    public async Task NodeStorageService_ClientCertificateOfAnotherCa_Refused()
    {
        using var impostor = _cluster.Channel(NodeGrpc, _cluster.Credentials.OtherMember);
        var call = () => new StorageService.StorageServiceClient(impostor)
            .ClearAllAsync(new ClearAllRequest(), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync;
        // The handshake itself fails (the node accepts client certificates of the cluster CA only): no call is made.
        var refused = Assert.ThrowsAsync<RpcException>(async () => await call());
        Assert.That(refused!.StatusCode, Is.EqualTo(StatusCode.Unavailable), refused.ToString());
    }

    [Test]
    public async Task Tls_ClientTrustingAnotherCa_HandshakeFails()
    {
        using var http = new HttpClient(_cluster.Credentials.Handler(trusted: _cluster.Credentials.OtherCa));
        var failure = Assert.ThrowsAsync<HttpRequestException>(async () => await http.GetAsync($"https://127.0.0.1:{_cluster.Coordinator.Http}/health/live"));
        Assert.That(failure!.InnerException, Is.InstanceOf<System.Security.Authentication.AuthenticationException>(), failure.ToString());
        await Task.CompletedTask;
    }

    private static async Task<int> ErrorCodeOfAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = json.RootElement.GetProperty("error");
        // The coordinator nests {"error": {"code"}}, the node answers {"error": "...", "code"}.
        return error.ValueKind == JsonValueKind.Object ? error.GetProperty("code").GetInt32() : json.RootElement.GetProperty("code").GetInt32();
    }
}
