namespace PairDb.Chaos.Workload;

/// <summary>
/// Relative weights of the workload's operations (a weight of 0 turns a kind off). Each step of a
/// client draws one by weight from its seeded random source.
/// </summary>
public sealed record OperationMix
{
    /// <summary>A read at ONE, QUORUM or ALL (drawn evenly). Default 30.</summary>
    public int Read { get; init; } = 30;

    /// <summary>A put without context: concurrent with whatever is stored. Default 20.</summary>
    public int BlindPut { get; init; } = 20;

    /// <summary>A read at QUORUM, then a put with its context (replacing what it saw). Default 25.</summary>
    public int ReadModifyWrite { get; init; } = 25;

    /// <summary>A read at QUORUM, then, when it found a value, a delete with its context. Default 12.</summary>
    public int Delete { get; init; } = 12;

    /// <summary>A put with <see cref="WorkloadOptions.LongTtl"/>, half of them blind, half read-modify-write. Default 13.</summary>
    public int TtlPut { get; init; } = 13;

    internal int Total => Read + BlindPut + ReadModifyWrite + Delete + TtlPut;

    internal StepKind Draw(Random random)
    {
        var roll = random.Next(Total);
        if ((roll -= Read) < 0)
        {
            return StepKind.Read;
        }
        if ((roll -= BlindPut) < 0)
        {
            return StepKind.BlindPut;
        }
        if ((roll -= ReadModifyWrite) < 0)
        {
            return StepKind.ReadModifyWrite;
        }
        return roll - Delete < 0 ? StepKind.Delete : StepKind.TtlPut;
    }

    internal void Validate()
    {
        if (Read < 0 || BlindPut < 0 || ReadModifyWrite < 0 || Delete < 0 || TtlPut < 0 || Total == 0)
        {
            throw new ArgumentException($"{nameof(WorkloadOptions.Mix)}: weights must be >= 0 and not all 0 (is {this})", nameof(WorkloadOptions.Mix));
        }
    }
}

internal enum StepKind
{
    Read,
    BlindPut,
    ReadModifyWrite,
    Delete,
    TtlPut,
}
