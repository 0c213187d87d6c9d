using System.Text;
using PairDb.Engine;
using PairDb.Engine.CrashWorker;

// Usage: PairDb.Engine.CrashWorker <dataDirectory> <cycle> <writers>
// Prints "ready", then "ack <key>" for every write whose Put/Write returned (durable in sync mode).
// Even indexes are single puts ("-a"); odd indexes are two-key batches ("-a" and "-b") that must be atomic.
var directory = args[0];
var cycle = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var writers = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
var outputLock = new object();

using var engine = LsmEngine.Open(new LsmEngineOptions
{
    DataDirectory = directory,
    Durability = DurabilityMode.Sync,
    MemtableSizeBytes = 1 << 20,
    CommitLogSegmentBytes = 256 << 10,
    MaxImmutableMemtables = 2,
});

// As the storage node does: segments already in tables need not be replayed again.
engine.DeleteCleanableSegments();
lock (outputLock)
{
    output.WriteLine("ready");
}

var threads = new Thread[writers];
for (var w = 0; w < writers; w++)
{
    var writer = w;
    threads[w] = new Thread(() =>
    {
        var batch = new WriteBatch();
        for (var i = 0; ; i++)
        {
            var a = CrashValues.Key(cycle, writer, i, 'a');
            if (i % 2 == 0)
            {
                engine.Put(Encoding.UTF8.GetBytes(a), CrashValues.ValueFor(a));
            }
            else
            {
                var b = CrashValues.Key(cycle, writer, i, 'b');
                batch.Clear();
                batch.Put(Encoding.UTF8.GetBytes(a), CrashValues.ValueFor(a));
                batch.Put(Encoding.UTF8.GetBytes(b), CrashValues.ValueFor(b));
                engine.Write(batch);
            }

            lock (outputLock)
            {
                output.WriteLine($"ack {a}");
            }
        }
    })
    { IsBackground = true };
    threads[w].Start();
}

foreach (var thread in threads)
{
    thread.Join();
}
