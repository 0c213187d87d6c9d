using System.Diagnostics;

namespace PairDb.Bench.Load;

/// <summary>Runs a <see cref="LoadPhase"/> and measures it; knows nothing of the service it drives.</summary>
public static class LoadDriver
{
    public static async Task<PhaseFigures> RunAsync(LoadPhase phase, CpuMeter cpu, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(phase.Callers);
        if (phase.MaxCalls is null && phase.Duration is null)
        {
            throw new ArgumentException($"phase '{phase.Name}' needs a call count or a duration", nameof(phase));
        }

        var run = new Run(phase);
        var gen0 = GC.CollectionCount(0);
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var cpuStart = cpu.Take();
        run.Start = Stopwatch.GetTimestamp();
        run.Deadline = phase.Duration is { } duration ? run.Start + (long)(duration.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        var callers = new Task[phase.Callers];
        for (var i = 0; i < callers.Length; i++)
        {
            var caller = i;
            callers[i] = Task.Run(() => run.CallerAsync(caller, cancellationToken), cancellationToken);
        }

        await Task.WhenAll(callers);
        var elapsed = Stopwatch.GetElapsedTime(run.Start);
        var usage = cpu.Since(cpuStart);
        var latency = new LatencyHistogram();
        long calls = 0, failedCalls = 0, failedItems = 0;
        foreach (var state in run.Callers)
        {
            latency.Add(state.Latency);
            calls += state.Calls;
            failedCalls += state.FailedCalls;
            failedItems += state.FailedItems;
        }

        return new PhaseFigures
        {
            Name = phase.Name,
            Kind = phase.Kind,
            ItemsPerCall = phase.ItemsPerCall,
            Calls = calls,
            FailedCalls = failedCalls,
            Items = calls * phase.ItemsPerCall,
            FailedItems = failedItems,
            Elapsed = elapsed,
            Latency = latency,
            Cpu = usage,
            Gen0Collections = GC.CollectionCount(0) - gen0,
            AllocatedBytes = GC.GetTotalAllocatedBytes(precise: true) - allocated,
            FirstError = phase.Errors.Message,
        };
    }

    private sealed class Run(LoadPhase phase)
    {
        private long _nextCall = -1;

        public CallerState[] Callers { get; } = CreateStates(phase.Callers);

        public long Start { get; set; }

        public long Deadline { get; set; }

        public async Task CallerAsync(int caller, CancellationToken cancellationToken)
        {
            var state = Callers[caller];
            var limit = phase.MaxCalls ?? long.MaxValue;
            var ticksPerCall = phase.CallsPerSecond is { } rate ? Stopwatch.Frequency / rate : 0;
            while (!cancellationToken.IsCancellationRequested)
            {
                var call = Interlocked.Increment(ref _nextCall);
                if (call >= limit || Stopwatch.GetTimestamp() >= Deadline || phase.Until.IsCancellationRequested)
                {
                    return;
                }

                var started = Stopwatch.GetTimestamp();
                if (ticksPerCall > 0)
                {
                    started = Start + (long)(call * ticksPerCall);
                    if (started >= Deadline)
                    {
                        return;
                    }

                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), started);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, cancellationToken);
                        if (phase.Until.IsCancellationRequested)
                        {
                            return;
                        }
                    }
                }

                int failed;
                try
                {
                    failed = await phase.Call(caller, call, cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    failed = phase.ItemsPerCall;
                    phase.Errors.Note($"{e.GetType().Name}: {e.Message}");
                }

                state.Latency.Record(Stopwatch.GetTimestamp() - started);
                state.Calls++;
                if (failed > 0)
                {
                    state.FailedItems += failed;
                    if (failed >= phase.ItemsPerCall)
                    {
                        state.FailedCalls++;
                    }

                }
            }
        }

        private static CallerState[] CreateStates(int count)
        {
            var states = new CallerState[count];
            for (var i = 0; i < count; i++)
            {
                states[i] = new CallerState();
            }

            return states;
        }
    }

    /// <summary>One caller's counters: only its own task writes them, so no synchronisation per call.</summary>
    private sealed class CallerState
    {
        public LatencyHistogram Latency { get; } = new();

        public long Calls { get; set; }

        public long FailedCalls { get; set; }

        public long FailedItems { get; set; }
    }
}
