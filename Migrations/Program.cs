// The migrations runner. The metadata schema (storage_nodes, pending_changes, hints) arrives with
// the coordinator issue; until then there is nothing to apply, and this says so instead of pretending.
Console.Error.WriteLine("pairdb-migrations: no migrations exist yet (they arrive with the coordinator issue).");
return 0;
