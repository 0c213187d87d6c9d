using System.Runtime.InteropServices;

namespace PairDb.Engine.MemTable;

/// <summary>
/// Bump allocator over unmanaged chunks. Memtables live here rather than in managed arrays so that filling one
/// (64 MiB by default) neither triggers full GCs nor makes the GC mark anything, and so nodes link by raw pointer.
/// Nothing is freed individually. The owning memtable frees all chunks when its last reference (engine or version)
/// is released; the finalizer frees them if that never happens, which is safe because it runs only once nothing can
/// reach the memtable, hence no pointer into it can still be used.
/// One writer at a time (the engine's write lock); memory handed out is not zeroed.
/// </summary>
internal sealed unsafe class NativeArena
{
    private readonly int _chunkSize;
    private readonly List<nint> _chunks = [];
    private byte* _next;
    private byte* _end;
    private long _allocatedBytes;

    public NativeArena(int chunkSize)
    {
        _chunkSize = chunkSize;
    }

    // Backstop for a memtable that was never released (e.g. still active when the engine was disposed).
    ~NativeArena() => FreeChunks();

    /// <summary>Frees every chunk now. Only once nothing can read the arena any more; called at most once.</summary>
    public void Free()
    {
        FreeChunks();
        GC.SuppressFinalize(this);
    }

    private void FreeChunks()
    {
        foreach (var chunk in _chunks)
        {
            NativeMemory.Free((void*)chunk);
        }

        _chunks.Clear();
        _next = null;
        _end = null;
    }

    /// <summary>Bytes taken from chunks so far (including alignment padding).</summary>
    public long AllocatedBytes => Volatile.Read(ref _allocatedBytes);

    public byte* Allocate(int size) => AllocateUnaligned((size + 7) & ~7);

    /// <summary>As <see cref="Allocate"/> for callers that read unaligned; keeps 8-byte alignment only if every size is a multiple of 8.</summary>
    public byte* AllocateUnaligned(int size)
    {
        var p = _next;
        if (size > _end - p)
        {
            p = AllocateSlow(size);
        }
        else
        {
            _next = p + size;
        }

        Volatile.Write(ref _allocatedBytes, _allocatedBytes + size);
        return p;
    }

    /// <summary>A zeroed block of its own, not counted in <see cref="AllocatedBytes"/>, freed with the arena.</summary>
    public byte* AllocateDedicatedZeroed(int size) => NewChunk(size, zeroed: true);

    private byte* NewChunk(int size, bool zeroed)
    {
        // Zeroed big blocks come straight from fresh pages (calloc), so nothing clears them up front.
        var chunk = (byte*)(zeroed ? NativeMemory.AllocZeroed((nuint)size) : NativeMemory.Alloc((nuint)size));
        _chunks.Add((nint)chunk);
        if ((ulong)(chunk + size) >> MemTableHashIndex.AddressBits != 0)
        {
            // Every mainstream 64-bit OS hands out user addresses below 2^47/2^48; the point index relies on it.
            throw new InvalidOperationException("memtable memory was allocated above the 48-bit address range");
        }

        return chunk;
    }

    private byte* AllocateSlow(int size)
    {
        if (size > _chunkSize / 4)
        {
            // A big record gets a chunk of its own so the current chunk's tail is not wasted.
            return NewChunk(size, zeroed: false);
        }

        var chunk = NewChunk(_chunkSize, zeroed: false);
        _next = chunk + size;
        _end = chunk + _chunkSize;
        return chunk;
    }
}
