// LRP with a rule chosen for one layer: the epsilon-plus composite, but z^B (bounded inputs) on the first convolution,
// as Deep Taylor does for pixel layers; the relevance then sums close to the explained score.
// Usage: LrpRuleOverride [MODEL.onnx] [SCAN]
using System.Globalization;
using MedExplain;
using MedExplain.Imaging;
using MedExplain.Methods;
using MedExplain.Onnx;

string modelPath = args.Length > 0 ? args[0] : "demo/models/brain-lesion-2d.onnx";
string scanPath = args.Length > 1 ? args[1] : "demo/scans/2d/slice-02-tumour.png";

using OnnxModel model = OnnxModel.Load(modelPath);
FloatTensor input = ModelInputLoader.Load(scanPath, model.InputSpec);
string firstLayer = LinearLayers.ReachedFromInput(model)[0].Name;
var options = new AttributionOptions
{
    Composite = "epsilon-plus",
    RuleOverrides = new Dictionary<string, string> { [firstLayer] = "zbox" },
};

Attribution lrp = AttributionMethods.Get("lrp").Attribute(model, input, ClassTarget.Predicted, options);

double relevance = lrp.Values.Data.Sum(v => (double)v);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"class {lrp.TargetClasses[0]}: score {lrp.TargetScores[0]:0.###}, relevance {relevance:0.###} (z^B on '{firstLayer}', epsilon-plus elsewhere)"));
