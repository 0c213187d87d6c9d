# syntax=docker/dockerfile:1
# pairdb storage node: build with the .NET SDK, run on the ASP.NET runtime.
# Build context: the repository root (docker build -f deploy/docker/storage-node.Dockerfile .).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY Shared.Contracts/ Shared.Contracts/
COPY StorageNode/ StorageNode/
RUN dotnet restore StorageNode/Host/PairDb.StorageNode.csproj
RUN dotnet publish StorageNode/Host/PairDb.StorageNode.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# curl serves the container health check (GET /health/live on the HTTP port).
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
# The data volume belongs to the unprivileged user the image runs as.
RUN mkdir -p /data && chown "$APP_UID" /data
WORKDIR /app
COPY --from=build /app ./
ENV PairDb__StorageNode__DataDirectory=/data \
    PairDb__StorageNode__GrpcPort=8001 \
    PairDb__StorageNode__HttpPort=8080
VOLUME ["/data"]
# 8001: gRPC (StorageService, cleartext HTTP/2); 8080: HTTP admin API, /health, /metrics.
EXPOSE 8001 8080
USER $APP_UID
ENTRYPOINT ["dotnet", "PairDb.StorageNode.dll"]
