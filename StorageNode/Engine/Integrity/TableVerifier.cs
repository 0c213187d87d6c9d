using System.Buffers;
using Microsoft.Win32.SafeHandles;
using PairDb.Engine.SSTable;

namespace PairDb.Engine.Integrity;

/// <summary>
/// Re-reads one table from the file (not the mapping's remembered verdicts) and checks the footer and every block's
/// CRC: data blocks via the index, then the index, bloom and properties blocks. A damaged index ends the walk of
/// that file, since block positions can no longer be trusted.
/// </summary>
internal static class TableVerifier
{
    public static List<CorruptBlock> Verify(string path, Action<long> onBytes, out long blocks)
    {
        var problems = new List<CorruptBlock>();
        blocks = 0;
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var length = RandomAccess.GetLength(handle);
        if (length < SSTableFooter.Size)
        {
            problems.Add(new CorruptBlock(0, 0, 0, "file shorter than an SSTable footer"));
            return problems;
        }

        var footerBytes = new byte[SSTableFooter.Size];
        RandomAccess.Read(handle, footerBytes, length - SSTableFooter.Size);
        SSTableFooter footer;
        try
        {
            footer = SSTableFooter.Parse(footerBytes, path, length - SSTableFooter.Size);
        }
        catch (StorageEngineException ex)
        {
            problems.Add(Describe(ex, length - SSTableFooter.Size));
            return problems;
        }

        var index = ReadVerified(handle, path, length, footer.Index, problems);
        blocks++;
        foreach (var meta in new[] { footer.Bloom, footer.Properties })
        {
            ReadVerified(handle, path, length, meta, problems);
            blocks++;
        }

        if (index is null)
        {
            return problems;
        }

        var rest = index.AsSpan();
        for (var i = 0; i < footer.DataBlockCount && !rest.IsEmpty; i++)
        {
            var size = IndexBlockEntry.Parse(rest, out var entry);
            if (size == 0)
            {
                problems.Add(new CorruptBlock(footer.Index.Offset, 0, 0, "malformed index block"));
                break;
            }

            var handleOfBlock = entry.Handle;
            rest = rest[size..];
            ReadVerified(handle, path, length, handleOfBlock, problems);
            onBytes(handleOfBlock.Length + BlockTrailer.Size);
            blocks++;
        }

        return problems;
    }

    /// <summary>The block's bytes if its CRC matched, else null with the problem recorded.</summary>
    private static byte[]? ReadVerified(SafeFileHandle handle, string path, long length, BlockHandle block, List<CorruptBlock> problems)
    {
        if (block.Offset < 0 || block.Length < 0 || block.Offset + block.Length + BlockTrailer.Size > length)
        {
            problems.Add(new CorruptBlock(block.Offset, 0, 0, "block handle outside the file"));
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(block.Length + BlockTrailer.Size);
        try
        {
            var span = buffer.AsSpan(0, block.Length + BlockTrailer.Size);
            var read = 0;
            while (read < span.Length)
            {
                var n = RandomAccess.Read(handle, span[read..], block.Offset + read);
                if (n == 0)
                {
                    problems.Add(new CorruptBlock(block.Offset, 0, 0, "unexpected end of file"));
                    return null;
                }

                read += n;
            }

            var data = span[..block.Length];
            var expected = BlockTrailer.Parse(span[block.Length..]).Crc;
            var actual = BlockTrailer.For(data).Crc;
            if (expected != actual)
            {
                problems.Add(new CorruptBlock(block.Offset, expected, actual, "checksum mismatch"));
                return null;
            }

            return data.ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static CorruptBlock Describe(StorageEngineException ex, long offset) => ex switch
    {
        ChecksumMismatchException c => new CorruptBlock(c.Offset, c.Expected, c.Actual, "checksum mismatch"),
        CorruptFileException f => new CorruptBlock(f.Offset, 0, 0, ex.Message),
        _ => new CorruptBlock(offset, 0, 0, ex.Message),
    };
}
