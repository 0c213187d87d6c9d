using PairDb.Bench.Engine.Stores;

namespace PairDb.Bench.Engine;

/// <summary>Maps <c>--engines</c> names to the engine flavours that run; <c>zonetree</c> runs both WAL modes.</summary>
public static class EngineCatalog
{
    public static bool TryResolve(IReadOnlyList<string> names, out List<IBenchEngine> engines, out string error)
    {
        engines = [];
        error = string.Empty;
        foreach (var name in names)
        {
            switch (name.ToLowerInvariant())
            {
                case "pairdb":
                    engines.Add(PairDbStore.Engine);
                    break;
                case "rocksdb":
                    engines.Add(RocksDbStore.Engine);
                    break;
                case "zonetree":
                    engines.Add(ZoneTreeStore.SyncWal);
                    engines.Add(ZoneTreeStore.AsyncWal);
                    break;
                default:
                    error = $"unknown engine '{name}' (known: pairdb, rocksdb, zonetree)";
                    return false;
            }
        }

        return true;
    }
}
