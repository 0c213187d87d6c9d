using System.Text;
using PairDb.Contracts.Grpc;

namespace PairDb.Client;

public sealed partial class PairDbClient
{
    /// <summary>
    /// Writes <paramref name="value"/> under (<paramref name="tenantId"/>, <paramref name="key"/>).
    /// With the <paramref name="context"/> of an earlier read it replaces the siblings that read saw;
    /// without one it is concurrent with whatever is stored and may add a sibling.
    /// </summary>
    public async Task<WriteResult> PutAsync(
        string tenantId,
        ReadOnlyMemory<byte> key,
        ReadOnlyMemory<byte> value,
        ReadOnlyMemory<byte> context = default,
        WriteOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var request = WireMapping.Put(tenantId, key, value, context, options, _options.DefaultConsistency);
        var reply = await InvokeAsync((grpc, call) => grpc.PutAsync(request, call), false, cancellationToken).ConfigureAwait(false);
        return new WriteResult(reply!.Context.Memory);
    }

    /// <summary><see cref="PutAsync(string, ReadOnlyMemory{byte}, ReadOnlyMemory{byte}, ReadOnlyMemory{byte}, WriteOptions?, CancellationToken)"/> with a UTF-8 key and value.</summary>
    public Task<WriteResult> PutAsync(
        string tenantId,
        string key,
        string value,
        ReadOnlyMemory<byte> context = default,
        WriteOptions? options = null,
        CancellationToken cancellationToken = default) =>
        PutAsync(tenantId, Utf8(key), Utf8(value), context, options, cancellationToken);

    /// <summary>
    /// Reads every sibling of a key and the merged context. A key without a live value returns
    /// <see cref="GetResult.Found"/> = false rather than throwing KEY_NOT_FOUND.
    /// </summary>
    public async Task<GetResult> GetAsync(
        string tenantId,
        ReadOnlyMemory<byte> key,
        ReadOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var request = WireMapping.Get(tenantId, key, options, _options.DefaultConsistency);
        var reply = await InvokeAsync((grpc, call) => grpc.GetAsync(request, call), true, cancellationToken).ConfigureAwait(false);
        return reply is null ? GetResult.NotFound : WireMapping.ToResult(reply);
    }

    /// <summary><see cref="GetAsync(string, ReadOnlyMemory{byte}, ReadOptions?, CancellationToken)"/> with a UTF-8 key.</summary>
    public Task<GetResult> GetAsync(string tenantId, string key, ReadOptions? options = null, CancellationToken cancellationToken = default) =>
        GetAsync(tenantId, Utf8(key), options, cancellationToken);

    /// <summary>
    /// Deletes a key by writing a tombstone that replaces what <paramref name="context"/> covers
    /// (everything, when the context comes from a read of the current value).
    /// </summary>
    public async Task<WriteResult> DeleteAsync(
        string tenantId,
        ReadOnlyMemory<byte> key,
        ReadOnlyMemory<byte> context = default,
        WriteOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var request = WireMapping.Delete(tenantId, key, context, options, _options.DefaultConsistency);
        var reply = await InvokeAsync((grpc, call) => grpc.DeleteAsync(request, call), false, cancellationToken).ConfigureAwait(false);
        return new WriteResult(reply!.Context.Memory);
    }

    /// <summary><see cref="DeleteAsync(string, ReadOnlyMemory{byte}, ReadOnlyMemory{byte}, WriteOptions?, CancellationToken)"/> with a UTF-8 key.</summary>
    public Task<WriteResult> DeleteAsync(
        string tenantId,
        string key,
        ReadOnlyMemory<byte> context = default,
        WriteOptions? options = null,
        CancellationToken cancellationToken = default) =>
        DeleteAsync(tenantId, Utf8(key), context, options, cancellationToken);

    private static byte[] Utf8(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Encoding.UTF8.GetBytes(text);
    }
}
