# syntax=docker/dockerfile:1
# pairdb coordinator: build with the .NET SDK, run on the ASP.NET runtime.
# Build context: the repository root (docker build -f deploy/docker/coordinator.Dockerfile .).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY Shared.Contracts/ Shared.Contracts/
COPY Coordinator/ Coordinator/
RUN dotnet restore Coordinator/PairDb.Coordinator.csproj
RUN dotnet publish Coordinator/PairDb.Coordinator.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# curl serves the container health check (GET /health/live on the HTTP port).
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
ENV PairDb__Coordinator__GrpcPort=8080 \
    PairDb__Coordinator__HttpPort=8081
# 8080: gRPC (KeyValueService, CoordinatorService); 8081: HTTP admin API, /health, /metrics.
EXPOSE 8080 8081
# The coordinator's own durable files (ring snapshot, hint spool): PairDb:Coordinator:StateDirectory's default,
# owned by the app user; mount a volume here (docker-compose.yml, the StatefulSet's claim).
RUN mkdir -p /var/lib/pairdb/coordinator && chown "$APP_UID" /var/lib/pairdb/coordinator
VOLUME /var/lib/pairdb/coordinator
USER $APP_UID
ENTRYPOINT ["dotnet", "PairDb.Coordinator.dll"]
