using PairDb.Client.Tooling.Security;

namespace PairDb.Client.Tooling.Cluster;

public sealed partial class LocalCluster
{
    /// <summary>The tenant whose API key <c>up</c> creates, so <c>./pairdb put t1 k1 v1</c> works at once.</summary>
    public const string FirstTenant = "t1";

    /// <summary>
    /// Keeps the mode the cluster was made with, and for a secure one creates whatever security file is
    /// missing (the CA and operator token here; each host's certificate when it starts).
    /// </summary>
    private void EnsureSecurityFiles(ClusterState state)
    {
        if (_options.Insecure && state.Secure)
        {
            throw new ClusterException(
                $"the cluster in {DataDirectory} is secure (cluster.json, {SecretFiles.TlsDirectory}); `up --insecure` does not turn that off: " +
                $"run `./pairdb down --data {DataDirectory}` and delete the directory to start over insecure, or pick another --data");
        }
        if (state.Secure)
        {
            SecretFiles.EnsureCaAndOperatorToken();
        }
    }

    /// <summary>How tools reach this cluster: TLS trusting its CA and the operator token when secure.</summary>
    private ClusterAccess Access(ClusterState state) => state.Secure ? ClusterAccess.For(DataDirectory) : ClusterAccess.Plaintext;

    /// <summary>
    /// The <c>PairDb:Security</c> arguments of host <paramref name="hostId"/> (issuing its certificate the first
    /// time); none when insecure.
    /// </summary>
    private IReadOnlyList<string> SecurityArguments(ClusterState state, string hostId)
    {
        if (!state.Secure)
        {
            return [];
        }
        SecretFiles.EnsureMember(hostId);
        return SecretFiles.HostArguments(hostId);
    }

    /// <summary>
    /// Creates the first tenant's API key through the coordinator's admin API (operator token) and saves it
    /// to <c>tenants/t1.key</c> (0600), unless that file exists. Secure clusters only.
    /// </summary>
    private async Task EnsureFirstTenantKeyAsync(ClusterState state, CancellationToken cancellationToken)
    {
        var files = SecretFiles;
        if (!state.Secure || File.Exists(files.TenantKeyPath(FirstTenant)))
        {
            return;
        }
        _options.Progress($"creating an API key for tenant {FirstTenant} ({files.TenantKeyPath(FirstTenant)})");
        var access = Access(state);
        string key;
        try
        {
            key = await TenantKeyApi.CreateAsync(access, access.Url("127.0.0.1", state.CoordinatorHttpPort), FirstTenant, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new ClusterException($"creating the first tenant's API key failed: {e.Message}", e);
        }
        files.SaveTenantKey(FirstTenant, key);
    }
}
