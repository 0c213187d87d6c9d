# syntax=docker/dockerfile:1
# pairdb migrations: applies the EF Core migrations to ConnectionStrings__Metadata and exits.
# Build context: the repository root (docker build -f deploy/docker/migrations.Dockerfile .).

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY Shared.Contracts/ Shared.Contracts/
# The model the migrations apply lives in the coordinator.
COPY Coordinator/ Coordinator/
COPY Migrations/ Migrations/
RUN dotnet restore Migrations/PairDb.Migrations.csproj
RUN dotnet publish Migrations/PairDb.Migrations.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
USER $APP_UID
ENTRYPOINT ["dotnet", "PairDb.Migrations.dll"]
