using System.Reflection;

namespace MedExplain.Server;

/// <summary>The pages' scripts and styles and the vendored viewer, embedded in the assembly and served by exact name:
/// no request path reaches the file system.</summary>
internal static class Assets
{
    private const string Prefix = "wwwroot/";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".txt"] = "text/plain; charset=utf-8",
    };

    private static readonly Assembly Assembly = typeof(Assets).Assembly;

    /// <summary>Gets the names served, such as <c>viewer.js</c> or <c>vendor/niivue/niivue.umd.js</c>.</summary>
    public static IReadOnlySet<string> Names { get; } = Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).Select(n => n[Prefix.Length..]).ToHashSet(StringComparer.Ordinal);

    /// <summary>Maps <c>GET /assets/{name}</c>, open to all: the files are public code, not data.</summary>
    public static void Map(WebApplication app)
    {
        app.MapGet("/assets/{*name}", (string name, HttpContext context) =>
        {
            if (!Names.Contains(name) || !ContentTypes.TryGetValue(Path.GetExtension(name), out string? type))
            {
                return Results.NotFound();
            }

            context.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Stream(Assembly.GetManifestResourceStream(Prefix + name)!, type);
        }).AllowAnonymous();
    }
}
