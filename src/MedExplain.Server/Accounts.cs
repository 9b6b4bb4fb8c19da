using System.Security.Claims;
using MedExplain.Pipelines.Studies;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace MedExplain.Server;

/// <summary>Sign-in with the accounts of the study database (created by <c>medexplain study add-rater</c>; passwords
/// kept as PBKDF2 hashes), and sign-out. The session is an HTTP-only, same-site cookie.</summary>
internal sealed class Accounts(Func<StudyStore> openStore)
{
    /// <summary>The rate limit on sign-in attempts per address (<see cref="ServerOptions.SignInsPerMinute"/>).</summary>
    public const string SignInLimit = "sign-in";

    /// <summary>Maps <c>/signin</c> and <c>/signout</c>.</summary>
    public void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/signin", (HttpContext context, string? returnUrl) => Form(context, returnUrl, failed: false)).AllowAnonymous();
        app.MapPost("/signin", (Delegate)SignIn).AllowAnonymous().RequireRateLimiting(SignInLimit);
        app.MapPost("/signout", async (HttpContext context) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect("/signin");
        });
    }

    private static IResult Form(HttpContext context, string? returnUrl, bool failed)
    {
        string body = $"""
            {(failed ? "<p class=\"error\" id=\"signin-error\">That rater and password do not match an account.</p>" : string.Empty)}
            <form method="post" action="/signin" class="signin">
            {Forms.Field(context)}
            <input type="hidden" name="returnUrl" value="{Html.Text(Local(returnUrl))}">
            <label>Rater <input name="rater" autocomplete="username" required maxlength="64"></label>
            <label>Password <input name="password" type="password" autocomplete="current-password" required maxlength="256"></label>
            <button type="submit">Sign in</button>
            </form>
            <p class="muted">Accounts are made by the study's coordinator: <code>medexplain study add-rater</code>.</p>
            """;
        IResult page = Html.Page("Sign in", body, signOut: null);
        return failed ? new StatusResult(StatusCodes.Status401Unauthorized, page) : page;
    }

    private async Task<IResult> SignIn(HttpContext context)
    {
        IFormCollection form = await context.Request.ReadFormAsync(context.RequestAborted);
        string rater = form["rater"].ToString(), password = form["password"].ToString();
        bool known;
        using (StudyStore store = openStore())
        {
            known = rater.Length is > 0 and <= 64 && password.Length is > 0 and <= 256 && store.Verify(rater, password);
        }

        if (!known)
        {
            return Form(context, form["returnUrl"], failed: true);
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, rater)], CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
        return Results.Redirect(Local(form["returnUrl"]));
    }

    /// <summary>A return address on this site, else the home page (no open redirect to another site).</summary>
    private static string Local(string? url) =>
        url is { Length: > 0 } && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";

    /// <summary>A page with another status code.</summary>
    private sealed class StatusResult(int status, IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
