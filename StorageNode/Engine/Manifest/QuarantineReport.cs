namespace PairDb.Engine;

/// <summary>
/// What <see cref="LsmEngine.QuarantineUnaccountedFiles"/> (or an open with <see cref="LsmEngineOptions.QuarantineUnaccountedFiles"/>)
/// did: the folder it created, the files it moved there (full paths after the move), and whether it removed <c>IDENTITY</c>.
/// </summary>
public sealed record QuarantineReport(string Directory, IReadOnlyList<string> MovedFiles, bool IdentityDeleted);
