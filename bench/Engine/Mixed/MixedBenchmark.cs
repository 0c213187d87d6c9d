namespace PairDb.Bench.Engine.Mixed;

/// <summary>Runs the mixed phase on pairdb and RocksDB (the engines selected among them) and closes with the ratio line.</summary>
public static class MixedBenchmark
{
    public static bool Run(EngineBenchOptions options, TextWriter output)
    {
        var phase = new MixedPhase(options.MixedKeys, options.MixedOps, options.ValueSize, options.Seed);
        var report = new MixedReport(output);
        report.WriteHeader(options.MixedKeys, options.MixedOps);
        if (!ProcessIo.Available)
        {
            output.WriteLine("  /proc/self/io is not available: write amplification cannot be measured");
        }

        MixedResult? pairdb = null, rocksdb = null;
        if (options.Engines.Contains("pairdb"))
        {
            pairdb = phase.Run(static dir => new PairDbMixedStore(dir), "pairdb");
            report.WriteRow(pairdb);
        }

        if (options.Engines.Contains("rocksdb"))
        {
            rocksdb = phase.Run(static dir => new RocksDbMixedStore(dir), "rocksdb");
            report.WriteRow(rocksdb);
        }

        report.WriteRatio(pairdb, rocksdb);
        return pairdb?.Error is null && rocksdb?.Error is null;
    }
}
