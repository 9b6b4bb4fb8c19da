// Evaluate two methods with deletion curves and the relevance mass in the lesion, on the demo's 2D lesion slices.
// Usage: EvaluateMethods [MODEL.onnx] [SCANS-FOLDER]
using System.Globalization;
using MedExplain.Batching;
using MedExplain.Methods;
using MedExplain.Onnx;
using MedExplain.Pipelines;

string modelPath = args.Length > 0 ? args[0] : "demo/models/brain-lesion-2d.onnx";
string folder = args.Length > 1 ? args[1] : "demo/scans/2d";

using OnnxModel model = OnnxModel.Load(modelPath);
string[] names = ["slice-02-tumour", "slice-03-infarct"];
EvaluationItem[] items = [.. names.Select(name => new EvaluationItem(Path.Combine(folder, name + ".png"), Path.Combine(folder, name + "-mask.png"), Atlas: null))];
var settings = new EvaluationSettings(
    ["integrated-gradients", "occlusion"], [EvaluationMetrics.Get("deletion"), EvaluationMetrics.Get("relevance-mass")],
    Steps: 20, Repeats: 1, Replicas: [], ShuffledLabels: null, CurvesByAtlas: false, new AttributionOptions());

EvaluationResult result = new EvaluationRun(model, settings, _ => new Progress<BatchProgress>()).Run(items);

foreach (IGrouping<(string Method, string Metric), MetricValue> group in result.Values.GroupBy(v => (v.Method, v.Metric)))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{group.Key.Method,-22} {group.Key.Metric,-16} mean {group.Average(v => v.Value):0.000} over {group.Count()} scans"));
}
