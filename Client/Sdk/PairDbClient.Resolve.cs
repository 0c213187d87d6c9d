using System.Text;
using PairDb.Contracts.Grpc;

namespace PairDb.Client;

public sealed partial class PairDbClient
{
    /// <summary>
    /// Reads a key and, when concurrent writes left several siblings, resolves them: the resolver
    /// (this call's, else <see cref="PairDbClientOptions.SiblingResolver"/>) picks the value, which is
    /// written back with the read's merged context so that it replaces every sibling. Returns the
    /// resolved state: one sibling (or none when the resolver chose a delete) and the context after
    /// the write-back. A read without conflict is returned as is, with no write.
    /// </summary>
    public async Task<GetResult> GetResolvedAsync(
        string tenantId,
        ReadOnlyMemory<byte> key,
        Func<IReadOnlyList<Sibling>, byte[]?>? resolver = null,
        ReadOptions? readOptions = null,
        WriteOptions? writeOptions = null,
        CancellationToken cancellationToken = default)
    {
        var read = await GetAsync(tenantId, key, readOptions, cancellationToken).ConfigureAwait(false);
        if (!read.HasConflict)
        {
            return read;
        }

        var resolved = Resolve(read, resolver);
        if (resolved is null)
        {
            var deleted = await DeleteAsync(tenantId, key, read.Context, writeOptions, cancellationToken).ConfigureAwait(false);
            return new GetResult([], deleted.Context);
        }

        var written = await PutAsync(tenantId, key, resolved, read.Context, writeOptions, cancellationToken).ConfigureAwait(false);
        return new GetResult([new Sibling(resolved, IsTombstone: false, ExpiresAt: null)], written.Context);
    }

    /// <summary><see cref="GetResolvedAsync(string, ReadOnlyMemory{byte}, Func{IReadOnlyList{Sibling}, byte[]?}?, ReadOptions?, WriteOptions?, CancellationToken)"/> with a UTF-8 key.</summary>
    public Task<GetResult> GetResolvedAsync(
        string tenantId,
        string key,
        Func<IReadOnlyList<Sibling>, byte[]?>? resolver = null,
        ReadOptions? readOptions = null,
        WriteOptions? writeOptions = null,
        CancellationToken cancellationToken = default) =>
        GetResolvedAsync(tenantId, Encoding.UTF8.GetBytes(key), resolver, readOptions, writeOptions, cancellationToken);

    /// <summary>
    /// Resolves the siblings of an earlier read of this key: writes the resolver's value (or a delete,
    /// when it returns null) with <paramref name="read"/>'s merged context, so that it replaces every
    /// sibling that read saw. Writes even when there is one sibling (an explicit resolution).
    /// </summary>
    public Task<WriteResult> ResolveAsync(
        string tenantId,
        ReadOnlyMemory<byte> key,
        GetResult read,
        Func<IReadOnlyList<Sibling>, byte[]?>? resolver = null,
        WriteOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(read);
        var resolved = Resolve(read, resolver);
        return resolved is null
            ? DeleteAsync(tenantId, key, read.Context, options, cancellationToken)
            : PutAsync(tenantId, key, resolved, read.Context, options, cancellationToken);
    }

    private byte[]? Resolve(GetResult read, Func<IReadOnlyList<Sibling>, byte[]?>? resolver)
    {
        var pick = resolver ?? _options.SiblingResolver
            ?? throw new InvalidOperationException(
                $"the key has {read.Siblings.Count} siblings and no resolver was given (pass one, or set {nameof(PairDbClientOptions)}.{nameof(PairDbClientOptions.SiblingResolver)})");
        return pick(read.Siblings);
    }
}
