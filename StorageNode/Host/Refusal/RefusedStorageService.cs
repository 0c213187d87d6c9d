namespace PairDb.StorageNode.Refusal;

/// <summary>StorageService with no method of its own: on a refused node <see cref="NotServingInterceptor"/> answers every call.</summary>
public sealed class RefusedStorageService : Contracts.Grpc.StorageService.StorageServiceBase;
