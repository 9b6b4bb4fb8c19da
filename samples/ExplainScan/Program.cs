// Explain a NIfTI scan with Integrated Gradients and write the map as NIfTI with the scan's own affine, so that it
// overlays the scan in any viewer. Usage: ExplainScan [MODEL.onnx] [SCAN] [OUTPUT-FOLDER]
using System.Globalization;
using MedExplain.Imaging;
using MedExplain.Imaging.Nifti;
using MedExplain.Methods;
using MedExplain.Pipelines;

string model = args.Length > 0 ? args[0] : "demo/models/brain-lesion-2d.onnx";
string scan = args.Length > 1 ? args[1] : "demo/scans/2d/slice-02-tumour.nii.gz";
string output = args.Length > 2 ? args[2] : "sample-output";

var request = new ExplainRequest(
    model, CardPath: null, scan, new ImageReadOptions(), Slice: null, Methods: null, ClassTarget.Predicted,
    new AttributionOptions(), LesionMaskPath: null, new Dictionary<string, string>())
{
    // Typed settings: IntelliSense offers Integrated Gradients' knobs only.
    Settings = [new IntegratedGradients { Steps = 64, Baseline = Baseline.Blur(sigma: 5) }],
};
Explanation explanation = Explainer.Explain(request, Console.WriteLine);

MethodMap map = explanation.Maps[0];
Directory.CreateDirectory(output);
string path = Path.Combine(output, "integrated-gradients.nii.gz");
NiftiWriter.Write(path, explanation.Input.Scan.WithVoxels(map.OnScan));
Console.WriteLine(string.Create(
    CultureInfo.InvariantCulture,
    $"{explanation.Prediction.ClassName} ({explanation.Prediction.Confidence:P1}); completeness gap {map.Diagnostics[Diagnostic.CompletenessGap]:G3}; map: {path}"));
