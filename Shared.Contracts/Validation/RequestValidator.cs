using PairDb.Contracts.Errors;
using PairDb.Contracts.Keys;
using PairDb.Contracts.Versioning;

namespace PairDb.Contracts.Validation;

/// <summary>
/// The request checks shared by coordinator and storage node (DESIGN.md section 2). Every method
/// returns a <see cref="ValidationResult"/> and allocates nothing when the input is valid.
/// <c>trusted</c> skips the costly checks (control-byte scan of the key, full parse of the context)
/// but never a size limit nor the tenant rule, which the key encoding depends on.
/// </summary>
public sealed class RequestValidator(ValidationOptions options)
{
    public ValidationOptions Options { get; } = options;

    public static ValidationResult ValidateTenantId(ReadOnlySpan<char> tenantId) =>
        TenantIds.IsValid(tenantId)
            ? ValidationResult.Ok
            : ValidationResult.Fail(ErrorCode.InvalidTenantId, "tenant_id must match [A-Za-z0-9_-]{1,64}");

    /// <summary>Key: 1..MaxKeyBytes bytes (KEY_TOO_LARGE), no NUL, control byte or DEL (INVALID_ARGUMENT).</summary>
    public ValidationResult ValidateKey(ReadOnlySpan<byte> key, bool trusted = false)
    {
        if (key.IsEmpty)
        {
            return ValidationResult.Fail(ErrorCode.InvalidArgument, "key must not be empty");
        }

        if (key.Length > Options.MaxKeyBytes)
        {
            return ValidationResult.Fail(ErrorCode.KeyTooLarge, "key is over the key size limit");
        }

        if (Options.EnableSecurityChecks && !trusted
            && (key.IndexOfAnyInRange((byte)0x00, (byte)0x1F) >= 0 || key.Contains((byte)0x7F)))
        {
            return ValidationResult.Fail(ErrorCode.InvalidArgument, "key must not contain NUL or control bytes");
        }

        return ValidationResult.Ok;
    }

    public ValidationResult ValidateValue(int valueLength) =>
        valueLength <= Options.MaxValueBytes
            ? ValidationResult.Ok
            : ValidationResult.Fail(ErrorCode.ValueTooLarge, "value is over the value size limit");

    /// <summary>
    /// Causal context: at most MaxContextBytes bytes and MaxContextEntries entries (always), and,
    /// unless trusted, well formed (INVALID_VECTOR_CLOCK). Empty is valid (a blind write).
    /// </summary>
    public ValidationResult ValidateContext(ReadOnlySpan<byte> context, bool trusted = false)
    {
        if (context.IsEmpty)
        {
            return ValidationResult.Ok;
        }

        if (context.Length > Options.MaxContextBytes)
        {
            return ValidationResult.Fail(ErrorCode.InvalidVectorClock, "context is over the context size limit");
        }

        if (!VersionVectorFormat.TryReadEntryCount(context, out var entries) || entries > Options.MaxContextEntries)
        {
            return ValidationResult.Fail(ErrorCode.InvalidVectorClock, "context is malformed or has too many entries");
        }

        if (Options.EnableVectorClockChecks && !trusted && !VersionVectorFormat.IsValid(context, Options.MaxContextEntries))
        {
            return ValidationResult.Fail(ErrorCode.InvalidVectorClock, "context is malformed");
        }

        return ValidationResult.Ok;
    }

    public ValidationResult ValidateRead(ReadOnlySpan<char> tenantId, ReadOnlySpan<byte> key, bool trusted = false)
    {
        var result = ValidateTenantId(tenantId);
        return result.IsValid ? ValidateKey(key, trusted) : result;
    }

    public ValidationResult ValidateWrite(
        ReadOnlySpan<char> tenantId, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ReadOnlySpan<byte> context, bool trusted = false)
    {
        var result = ValidateRead(tenantId, key, trusted);
        if (result.IsValid)
        {
            result = ValidateValue(value.Length);
        }

        return result.IsValid ? ValidateContext(context, trusted) : result;
    }

    public ValidationResult ValidateDelete(
        ReadOnlySpan<char> tenantId, ReadOnlySpan<byte> key, ReadOnlySpan<byte> context, bool trusted = false)
    {
        var result = ValidateRead(tenantId, key, trusted);
        return result.IsValid ? ValidateContext(context, trusted) : result;
    }
}
