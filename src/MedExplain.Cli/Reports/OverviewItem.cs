namespace MedExplain.Cli.Reports;

/// <summary>A line of a report's overview: what to say and where to look.</summary>
/// <param name="Text">The sentence (plain text).</param>
/// <param name="Links">Links after it (relative to the report).</param>
/// <param name="Emphasis">True for a finding the reader must not miss.</param>
internal sealed record OverviewItem(string Text, IReadOnlyList<ReportLink> Links, bool Emphasis = false);

/// <summary>A link in a report.</summary>
/// <param name="Text">What it says.</param>
/// <param name="Href">Where it goes, relative to the report.</param>
internal sealed record ReportLink(string Text, string Href);
