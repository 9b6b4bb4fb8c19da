using System.Net;
using System.Text.Json;

namespace MedExplain.Server;

/// <summary>The page frame every page shares, and encoding of what goes into it: text is HTML-encoded, data for the
/// scripts travels as JSON in a non-executed script element (no inline script, so the content policy forbids all).</summary>
internal static class Html
{
    /// <summary>Encodes text for an element or attribute.</summary>
    public static string Text(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    /// <summary>A JSON island the page's script reads (its '&lt;' escaped, so it cannot close the element).</summary>
    public static string Data(string id, object value) =>
        $"<script type=\"application/json\" id=\"{id}\">{JsonSerializer.Serialize(value, JsonSerializerOptions.Web).Replace("<", "\\u003c", StringComparison.Ordinal)}</script>";

    /// <summary>The anti-forgery field every form posts.</summary>
    public static string Token(string formField, string token) => $"<input type=\"hidden\" name=\"{Text(formField)}\" value=\"{Text(token)}\">";

    /// <summary>A whole page.</summary>
    /// <param name="title">The page's title.</param>
    /// <param name="body">Its HTML.</param>
    /// <param name="signOut">The sign-out form (null on the sign-in page).</param>
    /// <param name="scripts">Asset names of the scripts it runs.</param>
    public static IResult Page(string title, string body, string? signOut, params string[] scripts) => Results.Content($"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{Text(title)} · MedExplain</title>
        <link rel="stylesheet" href="/assets/site.css">
        </head>
        <body>
        <header><a class="brand" href="/">MedExplain</a>{(signOut is null ? string.Empty : "<nav><a href=\"/cases\">Cases</a><a href=\"/study\">Study</a><a href=\"/uploads\">Uploads</a></nav>")}{signOut ?? string.Empty}</header>
        <main>
        <h1>{Text(title)}</h1>
        {body}
        </main>
        <footer>Research use only: not for diagnosis. Viewer: <a href="/assets/vendor/niivue/LICENSE.txt">NiiVue</a> (BSD-2-Clause).</footer>
        {string.Concat(scripts.Select(s => $"<script src=\"/assets/{s}\"></script>"))}
        </body>
        </html>
        """, "text/html; charset=utf-8");
}
