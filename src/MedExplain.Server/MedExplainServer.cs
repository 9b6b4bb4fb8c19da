using MedExplain.Pipelines.Studies;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.RateLimiting;

namespace MedExplain.Server;

/// <summary>
/// The web viewer and reader-study server behind <c>medexplain serve</c>: every page but sign-in needs an account of the
/// study database; scans and maps are served only from the case lists and the study file, by number or token, never
/// by a path from the request.
/// </summary>
internal static class MedExplainServer
{
    /// <summary>Builds the server; the caller runs it.</summary>
    /// <param name="options">What to serve.</param>
    /// <param name="urls">Where to listen (loopback unless the caller says otherwise).</param>
    /// <param name="clock">The clock ratings and drawings are stamped with.</param>
    /// <exception cref="MedExplainInputException">A case folder, study file or database that cannot be used.</exception>
    public static WebApplication Build(ServerOptions options, IReadOnlyList<string> urls, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        CaseCatalog catalog = CaseCatalog.Load(options.CaseFolders);
        StudyDesign? design = options.StudyFile is { } studyFile ? StudyDesign.Load(studyFile) : null;
        using (StudyStore.Open(options.Database))
        {
            // Opened once here so a database that cannot be used is refused at start, not on the first sign-in.
        }

        if (options.Model is not null)
        {
            // Loaded once here so a model that cannot be used is refused at start, not on the first upload.
            MedExplain.Onnx.OnnxModel.Load(options.Model, options.Card).Dispose();
        }

        StudyStore OpenStore() => StudyStore.Open(options.Database);

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls([.. urls]);
        // Bodies are bounded per request below: a form's size, an upload's, or what a drawing of the scan can need.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = Math.Max(ServerOptions.MaxFormBytes, options.MaxUploadBytes + ServerOptions.MaxFormBytes));
        builder.Services.Configure<Microsoft.AspNetCore.Http.Features.FormOptions>(form => form.MultipartBodyLengthLimit = options.MaxUploadBytes + ServerOptions.MaxFormBytes);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(clock);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<VolumeCache>();
        builder.Services.AddSingleton<Uploads>();
        builder.Services.AddHostedService(services => services.GetRequiredService<Uploads>());
        // The keys that sign cookies and anti-forgery tokens persist in the data folder, so a restart keeps raters signed
        // in. Linux has no key store to encrypt them with: the folder is made readable by this user only instead, and
        // the runtime's warning that the keys are unencrypted is not repeated on every start.
        string keys = Path.Combine(options.DataFolder, "keys");
        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        if (!OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(options.DataFolder, OwnerOnly);
            Directory.CreateDirectory(keys, OwnerOnly);
        }

        builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(keys)).SetApplicationName("MedExplain.Server");
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.Cookie.Name = "medexplain.session";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.LoginPath = "/signin";
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
        });
        builder.Services.AddAuthorizationBuilder().SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        builder.Services.AddRateLimiter(limits =>
        {
            limits.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limits.AddPolicy(Accounts.SignInLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? string.Empty,
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.SignInsPerMinute, Window = TimeSpan.FromMinutes(1) }));
        });
        builder.Services.AddAntiforgery(antiforgery =>
        {
            antiforgery.HeaderName = Forms.Header;
            antiforgery.Cookie.Name = "medexplain.antiforgery";
            antiforgery.Cookie.SameSite = SameSiteMode.Strict;
        });

        WebApplication app = builder.Build();
        app.Use(async (context, next) =>
        {
            // The pages run only their own scripts, are never framed, and send no referrer (a token in a URL stays here).
            context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers["Referrer-Policy"] = "no-referrer";
            context.Response.Headers.CacheControl = "no-cache, no-store";
            context.Response.Headers.Pragma = "no-cache";
            if (!Uploads.IsUpload(context.Request) && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } body)
            {
                body.MaxRequestBodySize = ServerOptions.MaxFormBytes;
            }

            await next(context);
        });
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();

        RouteGroupBuilder root = app.MapGroup(string.Empty).AddEndpointFilter(Forms.Check);
        Assets.Map(app);
        new Accounts(OpenStore).Map(root);
        root.MapGet("/", () => Results.Redirect(design is not null && catalog.Cases.Count == 0 ? "/study" : "/cases"));
        VolumeCache volumes = app.Services.GetRequiredService<VolumeCache>();
        new CaseEndpoints(catalog, volumes).Map(root);
        app.Services.GetRequiredService<Uploads>().Map(root);
        if (design is not null)
        {
            new StudyEndpoints(design, OpenStore, volumes, clock, Path.Combine(options.DataFolder, "drawings-in-transit")).Map(root);
        }
        else
        {
            root.MapGet("/study", (HttpContext context) => Html.Page("Study", "<p>No study is served: start the server with <code>--study FILE</code>.</p>", Forms.SignOut(context)));
        }

        return app;
    }
}
