using Microsoft.AspNetCore.Antiforgery;

namespace MedExplain.Server;

/// <summary>Anti-forgery for every post: forms carry the token as a field, the viewer's script as a header; the server
/// checks one or the other on each post before anything else runs.</summary>
internal static class Forms
{
    /// <summary>The header the viewer's script sends the token in.</summary>
    public const string Header = "RequestVerificationToken";

    /// <summary>The hidden field with this request's token.</summary>
    public static string Field(HttpContext context)
    {
        AntiforgeryTokenSet tokens = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context);
        return Html.Token(tokens.FormFieldName, tokens.RequestToken!);
    }

    /// <summary>The signed-in rater's name and sign-out button.</summary>
    public static string SignOut(HttpContext context) =>
        $"<form method=\"post\" action=\"/signout\" class=\"account\">{Field(context)}<span>Signed in as {Html.Text(context.User.Identity?.Name)}</span> <button type=\"submit\">Sign out</button></form>";

    /// <summary>Refuses a post without a valid token (400) before its handler runs.</summary>
    public static async ValueTask<object?> Check(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        HttpContext context = invocation.HttpContext;
        if (HttpMethods.IsPost(context.Request.Method))
        {
            try
            {
                await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context);
            }
            catch (AntiforgeryValidationException)
            {
                return Results.BadRequest("This form has expired or did not come from this site: reload the page and try again.");
            }
        }

        return await next(invocation);
    }
}
