using System.IO.Compression;
using MedExplain.Imaging;
using MedExplain.Imaging.Nifti;
using MedExplain.Metrics;

namespace MedExplain.Pipelines.Studies;

/// <summary>One method's maps scored against the experts' drawings of where they would look.</summary>
/// <param name="Method">The method (or control).</param>
/// <param name="Drawings">How many (rater, case) drawings of a case this method has a map of; the means are over these.</param>
/// <param name="PointingGame">Mean pointing game: the map's peak inside the drawing.</param>
/// <param name="RelevanceMass">Mean share of the map's positive relevance inside the drawing.</param>
/// <param name="RelevanceRank">Mean share of the map's top voxels, as many as the drawing holds, that lie inside it.</param>
/// <param name="Iou">Mean intersection over union of the map's top 5% and the drawing.</param>
public sealed record MethodAgainstExperts(string Method, int Drawings, double PointingGame, double RelevanceMass, double RelevanceRank, double Iou);

/// <summary>
/// The human benchmark: each method's maps against the raters' drawings with the localisation metrics evaluation uses
/// against lesion masks (Arun et al. and CheXlocalize compare saliency with radiologists' own localisations this way).
/// An empty drawing (a rater who saved nothing) scores nothing.
/// </summary>
public static class HumanBenchmark
{
    /// <summary>Scores every method of <paramref name="design"/> against the drawings.</summary>
    /// <param name="design">The study: its cases' maps.</param>
    /// <param name="drawings">The drawings as stored (gzipped NIfTI), by rater and case.</param>
    /// <exception cref="MedExplainInputException">A drawing that is not a mask on its case's scan grid.</exception>
    public static IReadOnlyList<MethodAgainstExperts> Of(StudyDesign design, IEnumerable<(string Rater, string Case, byte[] Nifti)> drawings)
    {
        ArgumentNullException.ThrowIfNull(design);
        ArgumentNullException.ThrowIfNull(drawings);
        var scores = new Dictionary<string, List<double[]>>(StringComparer.Ordinal);
        var maps = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach ((string rater, string caseId, byte[] nifti) in drawings)
        {
            StudyCase? studyCase = design.Cases.FirstOrDefault(c => c.Id == caseId);
            if (studyCase is null)
            {
                continue;
            }

            MedicalImage drawing = Read(nifti, $"drawing of case {caseId} by {rater}");
            if (!drawing.Voxels.Any(v => v > 0))
            {
                continue;
            }

            foreach ((string method, string path) in studyCase.Maps)
            {
                if (!maps.TryGetValue(path, out float[]? map))
                {
                    maps[path] = map = MedicalImageReader.Read(path).Voxels;
                }

                if (map.Length != drawing.Voxels.Length)
                {
                    throw new MedExplainInputException(path, $"has {map.Length} voxels, the drawing of case {caseId} by {rater} {drawing.Voxels.Length}: they are not on one grid.");
                }

                (scores.TryGetValue(method, out List<double[]>? list) ? list : scores[method] = []).Add(
                [
                    Localisation.PointingGame(map, drawing.Voxels), Localisation.RelevanceMass(map, drawing.Voxels),
                    Localisation.RelevanceRank(map, drawing.Voxels), Localisation.Iou(map, drawing.Voxels),
                ]);
            }
        }

        return [.. scores.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new MethodAgainstExperts(
            p.Key, p.Value.Count, p.Value.Average(s => s[0]), p.Value.Average(s => s[1]), p.Value.Average(s => s[2]), p.Value.Average(s => s[3])))];
    }

    /// <summary>Reads a stored drawing (gzipped NIfTI bytes).</summary>
    /// <param name="nifti">The bytes.</param>
    /// <param name="name">What to call it in errors.</param>
    public static MedicalImage Read(byte[] nifti, string name)
    {
        ArgumentNullException.ThrowIfNull(nifti);
        using var compressed = new MemoryStream(nifti, writable: false);
        using var inflated = new GZipStream(compressed, CompressionMode.Decompress);
        try
        {
            return NiftiReader.Read(inflated, name, nifti.Length);
        }
        catch (InvalidDataException e)
        {
            throw new MedExplainInputException(name, $"is not gzipped NIfTI ({e.Message}).");
        }
    }
}
