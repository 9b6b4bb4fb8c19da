using MedExplain.Imaging.Rendering;

namespace MedExplain.Server;

/// <summary>The volume viewer's markup: canvases for NiiVue, the controls viewer.js wires up, and its settings.</summary>
internal static class Viewer
{
    /// <summary>The viewer for <paramref name="config"/> (scan URL, maps with their colour scales, outlines, drawing).</summary>
    /// <param name="config">What viewer.js loads.</param>
    /// <param name="drawing">Whether to show the drawing tools.</param>
    /// <param name="compare">Whether to offer a second map side by side.</param>
    public static string Markup(object config, bool drawing = false, bool compare = false) => $"""
        {Html.Data("viewer-config", config)}
        <div class="viewer">
          <div class="controls">
            <label>Map <select id="map-select"></select></label>
            {(compare ? "<label><input type=\"checkbox\" id=\"compare\"> side by side with <select id=\"compare-select\"></select></label>" : string.Empty)}
            <label>Threshold <input type="range" id="threshold" min="0" max="0.95" step="0.05" value="0.1"> <output id="threshold-value">10%</output> of the colour scale</label>
            <label>Opacity <input type="range" id="opacity" min="0" max="1" step="0.05" value="0.7"></label>
            <label>View <select id="view"><option value="multiplanar">three planes</option><option value="axial">axial</option><option value="coronal">coronal</option><option value="sagittal">sagittal</option><option value="render">3D</option></select></label>
            {(drawing ? "<span class=\"drawing\"><button type=\"button\" id=\"draw\" aria-pressed=\"false\">Draw where you would look</button> <button type=\"button\" id=\"erase\">Erase</button> <button type=\"button\" id=\"undo\">Undo</button> <button type=\"button\" id=\"save-drawing\">Save drawing</button> <output id=\"drawing-status\"></output></span>" : string.Empty)}
          </div>
          <div class="canvases">
            <div class="pane"><div class="stage"><canvas id="viewer-main"></canvas></div><p class="caption" id="caption-main"></p></div>
            <div class="pane" id="pane-compare" hidden><div class="stage"><canvas id="viewer-compare"></canvas></div><p class="caption" id="caption-compare"></p></div>
          </div>
          <p class="muted" id="viewer-legend">Positive relevance: orange to yellow; negative: blue to cyan; below the threshold: the scan alone. The colour scale runs to the map's robust maximum, as in the report's figures. Planes in the {SliceView.Convention}; letters mark the sides. Scroll to move through slices; click to move the crosshair, which every plane and the side-by-side view share.</p>
          <p class="error" id="viewer-error" hidden></p>
        </div>
        """;
}
