using Npgsql;
using PairDb.Testing;

namespace PairDb.Client.Tests.Testing;

public sealed class PostgresFixtureTests
{
    private PostgresDatabase _first = null!;
    private PostgresDatabase _second = null!;

    [OneTimeSetUp]
    public async Task CreateDatabasesAsync()
    {
        _first = await SharedPostgres.CreateDatabaseAsync();
        _second = await SharedPostgres.CreateDatabaseAsync();
    }

    [OneTimeTearDown]
    public async Task DropDatabasesAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Test]
    public async Task CreateDatabaseAsync_NewDatabase_AnswersSelectVersion()
    {
        var version = await ScalarAsync<string>(_first, "SELECT version()");

        Assert.That(version, Does.StartWith("PostgreSQL "));
    }

    [Test]
    public async Task CreateDatabaseAsync_NewDatabase_ConnectsToThatDatabase()
    {
        var current = await ScalarAsync<string>(_first, "SELECT current_database()");

        Assert.That(current, Is.EqualTo(_first.Name));
    }

    [Test]
    public async Task CreateDatabaseAsync_TwoDatabases_AreIndependent()
    {
        await ScalarAsync<int>(_first, "CREATE TABLE only_in_first (id int); INSERT INTO only_in_first VALUES (1); SELECT 1");

        var inFirst = await ScalarAsync<bool>(_first, "SELECT to_regclass('only_in_first') IS NOT NULL");
        var inSecond = await ScalarAsync<bool>(_second, "SELECT to_regclass('only_in_first') IS NOT NULL");

        Assert.Multiple(() =>
        {
            Assert.That(_second.Name, Is.Not.EqualTo(_first.Name));
            Assert.That(inFirst, Is.True);
            Assert.That(inSecond, Is.False);
        });
    }

    [Test]
    public async Task DisposeAsync_Database_DropsIt()
    {
        var server = await SharedPostgres.GetAsync();
        var database = await server.CreateDatabaseAsync();
        await ScalarAsync<int>(database, "SELECT 1");

        await database.DisposeAsync();

        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @name", connection);
        command.Parameters.AddWithValue("name", database.Name);
        Assert.That(await command.ExecuteScalarAsync(), Is.EqualTo(0L));
    }

    private static async Task<T> ScalarAsync<T>(PostgresDatabase database, string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
