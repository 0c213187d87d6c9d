namespace PairDb.Contracts.Keys;

/// <summary>The tenant id rule: <c>[A-Za-z0-9_-]{1,64}</c>, checked by hand (no Regex, no allocation).</summary>
public static class TenantIds
{
    public const int MaxLength = 64;

    public static bool IsValid(ReadOnlySpan<char> tenantId)
    {
        if (tenantId.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (var c in tenantId)
        {
            if (!IsAllowed(c))
            {
                return false;
            }
        }

        return true;
    }

    internal static bool IsAllowed(char c) =>
        c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_' or '-';
}
