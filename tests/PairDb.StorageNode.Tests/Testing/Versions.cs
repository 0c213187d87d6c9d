using Google.Protobuf;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Contracts.Versioning;

namespace PairDb.StorageNode.Tests.Testing;

/// <summary>Small helpers to build requests and read replies.</summary>
internal static class Versions
{
    public static ByteString Bytes(string text) => ByteString.CopyFromUtf8(text);

    public static SiblingSet Parse(ByteString versions) => SiblingSetFormat.Parse(versions.Span);

    public static ByteString Context(SiblingSet set) => ByteString.CopyFrom(VersionVectorFormat.ToArray(set.Context));

    public static ByteString Serialize(SiblingSet set) => ByteString.CopyFrom(SiblingSetFormat.ToArray(set));

    public static string[] LiveValues(SiblingSet set)
    {
        var values = new List<string>();
        foreach (var sibling in set.Siblings)
        {
            if (!sibling.IsTombstone)
            {
                values.Add(System.Text.Encoding.UTF8.GetString(sibling.Value.Span));
            }
        }

        values.Sort(StringComparer.Ordinal);
        return [.. values];
    }

    public static CoordinatedWriteRequest Write(string tenant, string key, string value, SiblingSet? context = null) => new()
    {
        TenantId = tenant,
        Key = Bytes(key),
        Value = Bytes(value),
        Context = context is null ? ByteString.Empty : Context(context),
    };

    public static ReadRequest Read(string tenant, string key) => new() { TenantId = tenant, Key = Bytes(key) };

    /// <summary>The pairdb error code an RPC failed with.</summary>
    public static ErrorCode CodeOf(Grpc.Core.RpcException e) => e.GetErrorCode();
}
