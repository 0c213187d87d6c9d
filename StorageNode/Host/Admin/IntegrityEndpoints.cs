using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using PairDb.StorageNode.Data;

namespace PairDb.StorageNode.Admin;

/// <summary>
/// Runbook 3.1 step 5: after streaming, compare this node's digest of each received ring range with
/// the digest its source reported (StorageService.RangeDigest on the source). Tokens and digests are
/// decimal strings or numbers (64-bit unsigned values exceed what JSON tools keep exactly).
/// </summary>
public static class IntegrityEndpoints
{
    public sealed record KeyRange(string? StartToken, string? EndToken, ulong? ExpectedKeyCount, string? ExpectedDigest);

    public sealed record VerifyRangesRequest(IReadOnlyList<KeyRange>? KeyRanges);

    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/integrity/verify-ranges", async (HttpRequest request, VersionedStore store) =>
        {
            var (body, error) = await JsonBody.ReadAsync<VerifyRangesRequest>(request, required: true);
            if (error is not null)
            {
                return error;
            }

            if (body!.KeyRanges is not { Count: > 0 } ranges)
            {
                return JsonBody.Error("key_ranges must list at least one range");
            }

            var results = new List<object>(ranges.Count);
            var mismatches = 0;
            foreach (var range in ranges)
            {
                if (!TryToken(range.StartToken, out var start) || !TryToken(range.EndToken, out var end)
                    || (range.ExpectedDigest is not null && !TryToken(range.ExpectedDigest, out _)))
                {
                    return JsonBody.Error("start_token, end_token and expected_digest must be unsigned 64-bit decimal numbers");
                }

                var (count, digest) = store.RangeDigest(start, end, request.HttpContext.RequestAborted);
                var digestText = digest.ToString(CultureInfo.InvariantCulture);
                var matches = (range.ExpectedKeyCount is null || range.ExpectedKeyCount == count)
                    && (range.ExpectedDigest is null || range.ExpectedDigest == digestText);
                if (!matches)
                {
                    mismatches++;
                }

                results.Add(new { start_token = range.StartToken, end_token = range.EndToken, key_count = count, digest = digestText, matches });
            }

            return Results.Ok(new
            {
                status = mismatches == 0 ? "success" : "mismatch",
                ranges_verified = ranges.Count,
                checksum_mismatches = mismatches,
                ranges = results,
            });
        });
    }

    private static bool TryToken(string? text, out ulong value)
    {
        value = 0;
        return text is not null && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
