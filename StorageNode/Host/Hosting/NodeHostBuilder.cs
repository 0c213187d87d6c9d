using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PairDb.StorageNode.Configuration;

namespace PairDb.StorageNode.Hosting;

/// <summary>What every storage-node web host shares, serving or refused: configuration sources, console log format, JSON naming.</summary>
public static class NodeHostBuilder
{
    public static WebApplicationBuilder Create(string[] args)
    {
        // Content root = the install directory, so appsettings.json is found whatever the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = PairDb.Hosting.Security.SecurityServices.MapInsecureSwitch(args), ContentRootPath = AppContext.BaseDirectory });
        PairDbEnvironmentVariablesSource.Install(builder.Configuration);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        return builder;
    }
}
