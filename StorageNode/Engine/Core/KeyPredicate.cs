namespace PairDb.Engine;

/// <summary>Selects engine keys (e.g. the keys of some ring ranges) for <see cref="LsmEngine.DropKeysAsync"/>.</summary>
public delegate bool KeyPredicate(ReadOnlySpan<byte> key);
