using System.Collections.Concurrent;
using System.Net;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;
using PairDb.Contracts.Errors;
using PairDb.Contracts.Grpc;
using PairDb.Coordinator.Hosting;
using PairDb.Hosting.Grpc;

namespace PairDb.Coordinator.Tests.Hosting;

/// <summary>
/// <see cref="ErrorInterceptor"/> in a real Kestrel gRPC server: whatever a handler throws reaches the
/// client as a pairdb error with its ErrorInfo (INTERNAL for a bug, logged once with the method), for
/// unary and streaming calls; and the coordinator registers it for every service.
/// </summary>
public sealed class ErrorInterceptorTests
{
    private WebApplication _app = null!;
    private GrpcChannel _channel = null!;
    private StorageService.StorageServiceClient _client = null!;
    private readonly CapturedLogs _logs = new();

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Logging.ClearProviders().AddProvider(_logs);
        builder.Services.AddGrpc(o => o.Interceptors.Add<ErrorInterceptor>());
        _app = builder.Build();
        _app.MapGrpcService<ThrowingService>();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _channel = GrpcChannel.ForAddress(address);
        _client = new StorageService.StorageServiceClient(_channel);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _channel.Dispose();
        await _app.DisposeAsync();
    }

    [Test]
    public void Unary_UnexpectedException_Internal2000WithErrorInfoLoggedOnceWithTheMethod()
    {
        var error = Assert.ThrowsAsync<RpcException>(async () => await _client.ReadAsync(new ReadRequest()));

        Assert.Multiple(() =>
        {
            Assert.That(error!.StatusCode, Is.EqualTo(StatusCode.Internal));
            Assert.That(RpcErrors.TryParse(error), Is.EqualTo(new PairDbError(ErrorCode.Internal, error.Status.Detail, FromDetails: true)));
            Assert.That(error.Status.Detail, Does.Contain("InvalidOperationException").And.Contain("/pairdb.StorageService/Read"));
            Assert.That(error.Status.Detail, Does.Not.Contain("secret"), "the exception's own message stays in the server log");
            Assert.That(_logs.For("/pairdb.StorageService/Read"), Has.Count.EqualTo(1));
            Assert.That(_logs.For("/pairdb.StorageService/Read")[0].Exception, Is.TypeOf<InvalidOperationException>());
        });
    }

    [Test]
    public void Unary_PairDbException_ItsOwnCodeNotLogged()
    {
        var error = Assert.ThrowsAsync<RpcException>(async () => await _client.CoordinatedWriteAsync(new CoordinatedWriteRequest()));

        Assert.Multiple(() =>
        {
            Assert.That(error!.GetErrorCode(), Is.EqualTo(ErrorCode.InvalidVectorClock));
            Assert.That(error.StatusCode, Is.EqualTo(StatusCode.InvalidArgument));
            Assert.That(error.Status.Detail, Is.EqualTo("bad context"));
            Assert.That(_logs.For("/pairdb.StorageService/CoordinatedWrite"), Is.Empty);
        });
    }

    [Test]
    public void Unary_RpcException_PassesUntouched()
    {
        var error = Assert.ThrowsAsync<RpcException>(async () => await _client.RepairAsync(new RepairRequest()));

        Assert.That((error!.StatusCode, error.Status.Detail), Is.EqualTo((StatusCode.FailedPrecondition, "as thrown")));
        Assert.That(RpcErrors.TryParse(error)!.FromDetails, Is.False);
    }

    [Test]
    public void Unary_CancellationNotOfTheCall_Internal()
    {
        var error = Assert.ThrowsAsync<RpcException>(async () => await _client.ReplicaWriteAsync(new ReplicaWriteRequest()));

        Assert.That(error!.GetErrorCode(), Is.EqualTo(ErrorCode.Internal));
    }

    [Test]
    public async Task ServerStreaming_UnexpectedExceptionAfterAMessage_Internal2000WithErrorInfo()
    {
        using var call = _client.StreamRange(new StreamRangeRequest());
        var stream = call.ResponseStream;

        Assert.That(await stream.MoveNext(CancellationToken.None), Is.True, "the message written before the failure arrives");
        var error = Assert.ThrowsAsync<RpcException>(async () => await stream.MoveNext(CancellationToken.None));

        Assert.Multiple(() =>
        {
            Assert.That(error!.GetErrorCode(), Is.EqualTo(ErrorCode.Internal));
            Assert.That(RpcErrors.TryParse(error)!.FromDetails, Is.True);
            Assert.That(_logs.For("/pairdb.StorageService/StreamRange"), Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task CoordinatorHost_RegistersTheInterceptorForEveryService()
    {
        await using var app = CoordinatorHost.Build(["--ConnectionStrings:Metadata=Host=127.0.0.1;Database=unused"]);

        var options = app.Services.GetRequiredService<IOptions<GrpcServiceOptions>>().Value;

        Assert.That(options.Interceptors.Select(i => i.Type), Has.Member(typeof(ErrorInterceptor)));
    }

    /// <summary>Each method fails in one of the ways the interceptor must handle.</summary>
    private sealed class ThrowingService : StorageService.StorageServiceBase
    {
        public override Task<ReadReply> Read(ReadRequest request, ServerCallContext context) =>
            throw new InvalidOperationException("a bug with a secret in its message");

        public override Task<CoordinatedWriteReply> CoordinatedWrite(CoordinatedWriteRequest request, ServerCallContext context) =>
            throw new PairDbException(ErrorCode.InvalidVectorClock, "bad context");

        public override Task<RepairReply> Repair(RepairRequest request, ServerCallContext context) =>
            throw new RpcException(new Status(StatusCode.FailedPrecondition, "as thrown"));

        public override Task<ReplicaWriteReply> ReplicaWrite(ReplicaWriteRequest request, ServerCallContext context) =>
            throw new OperationCanceledException("an internal timeout, not the caller's");

        public override async Task StreamRange(StreamRangeRequest request, IServerStreamWriter<StreamRangeBatch> responseStream, ServerCallContext context)
        {
            await responseStream.WriteAsync(new StreamRangeBatch());
            throw new InvalidOperationException("a bug mid-stream");
        }
    }

    private sealed record Entry(string Category, string Message, Exception? Exception);

    /// <summary>Keeps the interceptor's log entries.</summary>
    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<Entry> _entries = new();

        public List<Entry> For(string method) =>
            [.. _entries.Where(e => e.Category == typeof(ErrorInterceptor).FullName && e.Message.Contains(method, StringComparison.Ordinal))];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<Entry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue(new Entry(category, formatter(state, exception), exception));
        }
    }
}
