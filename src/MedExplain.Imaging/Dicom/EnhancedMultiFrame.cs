using System.Globalization;
using MedExplain.Imaging.Geometry;

namespace MedExplain.Imaging.Dicom;

/// <summary>
/// Enhanced multi-frame images (Enhanced MR/CT/PET and legacy-converted objects, PS3.3 C.7.6.16): a whole acquisition in
/// one file, each frame's position, orientation, pixel spacing and rescale in its Per-Frame Functional Groups, else in
/// the Shared ones. Frames form volumes by stack and temporal position, each sorted along its slice normal with the same
/// rules as a series of files; a file holding several volumes reads the one asked for.
/// </summary>
internal static class EnhancedMultiFrame
{
    /// <summary>Gets a value indicating whether the data set has per-frame functional groups.</summary>
    public static bool Is(DicomDataset d) => d.Contains(DicomTag.PerFrameFunctionalGroups);

    /// <summary>Describes each frame from the functional groups, in file order.</summary>
    public static IReadOnlyList<EnhancedFrame> Frames(DicomDataset d, int frames, string path, List<string> warnings)
    {
        IReadOnlyList<DicomDataset> perFrame = d.Sequence(DicomTag.PerFrameFunctionalGroups);
        DicomDataset? shared = d.Sequence(DicomTag.SharedFunctionalGroups) is [var s, ..] ? s : null;
        if (perFrame.Count != frames)
        {
            throw new MedExplainInputException(path, $"has {perFrame.Count} per-frame functional group items for {frames} frames.");
        }

        var geometryNotes = new List<string>();
        var result = new EnhancedFrame[frames];
        for (int f = 0; f < frames; f++)
        {
            DicomDataset? Macro(DicomTag sequence) =>
                perFrame[f].Sequence(sequence) is [var own, ..] ? own : shared?.Sequence(sequence) is [var common, ..] ? common : null;

            // One data set with what DicomGeometry reads, gathered from the three macros that hold it.
            var place = new DicomDataset(d.BigEndian);
            foreach ((DicomTag sequence, DicomTag tag) in new[] { (DicomTag.PlanePosition, DicomTag.ImagePositionPatient), (DicomTag.PlaneOrientation, DicomTag.ImageOrientationPatient), (DicomTag.PixelMeasures, DicomTag.PixelSpacing) })
            {
                if (Macro(sequence)?.Get(tag) is { } element)
                {
                    place.Add(element);
                }
            }

            if (!place.Contains(DicomTag.ImagePositionPatient))
            {
                throw new MedExplainInputException(path, $"is an enhanced multi-frame image whose frame {f + 1} has no Plane Position (0020,9113): where its frames lie is unknown.");
            }

            DicomDataset? measures = Macro(DicomTag.PixelMeasures), rescale = Macro(DicomTag.PixelValueTransformation), content = Macro(DicomTag.FrameContent);
            result[f] = new EnhancedFrame(
                f,
                DicomGeometry.Read(place, geometryNotes),
                rescale?.Number(DicomTag.RescaleSlope, 1, path, "Rescale Slope") ?? d.Number(DicomTag.RescaleSlope, 1, path, "Rescale Slope"),
                rescale?.Number(DicomTag.RescaleIntercept, 0, path, "Rescale Intercept") ?? d.Number(DicomTag.RescaleIntercept, 0, path, "Rescale Intercept"),
                measures?.Number(DicomTag.SpacingBetweenSlices, measures.Number(DicomTag.SliceThickness, 1)) ?? 1,
                content?.Text(DicomTag.StackId) ?? string.Empty,
                content?.UnsignedLong(DicomTag.TemporalPositionIndex) ?? 0);
        }

        warnings.AddRange(geometryNotes.Distinct());
        return result;
    }

    /// <summary>Groups frames into volumes: one per stack, temporal position and orientation, each sorted along its
    /// normal; frames that share a position within a group (echoes without a temporal index) split it in order.</summary>
    public static IReadOnlyList<EnhancedVolume> Volumes(IReadOnlyList<EnhancedFrame> frames, string path)
    {
        var volumes = new List<EnhancedVolume>();
        foreach (IGrouping<(string Stack, long Temporal, string Orientation), EnhancedFrame> group in frames
            .GroupBy(f => (f.Stack, f.Temporal, Orientation: Orientation(f.Geometry))).OrderBy(g => g.Key.Stack, StringComparer.Ordinal).ThenBy(g => g.Key.Temporal).ThenBy(g => g.Key.Orientation, StringComparer.Ordinal))
        {
            Vector3d normal = group.First().Geometry.Normal;
            IGrouping<long, EnhancedFrame>[] positions = [.. group.GroupBy(f => (long)Math.Round(f.Geometry.Along(normal) * 1000)).OrderBy(p => p.Key)];
            int repeats = positions[0].Count();
            if (positions.Any(p => p.Count() != repeats))
            {
                throw new MedExplainInputException(path, $"is an enhanced multi-frame image whose stack {Label(group.Key.Stack, group.Key.Temporal)} has different numbers of frames at its positions; it does not form volumes.");
            }

            for (int r = 0; r < repeats; r++)
            {
                string label = Label(group.Key.Stack, group.Key.Temporal) + (repeats > 1 ? $", repeat {r + 1}" : string.Empty);
                volumes.Add(new EnhancedVolume(label, [.. positions.Select(p => p.OrderBy(f => f.Index).ElementAt(r))]));
            }
        }

        return volumes;
    }

    /// <summary>Reads one volume of an enhanced multi-frame file.</summary>
    public static MedicalImage Read(DicomFile file, int volume)
    {
        DicomDataset d = file.Dataset;
        var warnings = new List<string>(file.Warnings);
        (float[] samples, PixelModule module, string photometric) = DicomPixelDecoder.Decode(file);
        IReadOnlyList<EnhancedFrame> frames = Frames(d, module.Frames, file.Path, warnings);
        IReadOnlyList<EnhancedVolume> volumes = Volumes(frames, file.Path);
        if (volume < 0 || volume >= volumes.Count)
        {
            throw new MedExplainParameterException("volume", $"must be from 0 to {volumes.Count - 1}: {Path.GetFileName(file.Path)} holds {volumes.Count} volume(s) ({string.Join("; ", volumes.Select((v, n) => $"{n}: {v.Label}"))}), not {volume}.");
        }

        string structure = $"{volumes.Count} volume(s) in {module.Frames} frames: {string.Join("; ", volumes.Select((v, n) => $"{n}: {v.Label}, {v.Frames.Count} frames"))}";
        if (volumes.Count > 1)
        {
            warnings.Add($"holds {structure}; read volume {volume} (choose another with the volume option).");
        }

        EnhancedVolume chosen = volumes[volume];
        int plane = module.Rows * module.Columns, count = chosen.Frames.Count, channels = module.SamplesPerPixel;
        float[] voxels = MemoryLimit.NewFloats((long)plane * count * channels, file.Path, "the volume");
        for (int k = 0; k < count; k++)
        {
            EnhancedFrame frame = chosen.Frames[k];
            for (int c = 0; c < channels; c++)
            {
                Span<float> target = voxels.AsSpan(((c * count) + k) * plane, plane);
                samples.AsSpan(((c * module.Frames) + frame.Index) * plane, plane).CopyTo(target);
                if (channels == 1)
                {
                    new ModalityTransform(frame.Slope, frame.Intercept, null, 0).Apply(target);
                }
            }
        }

        if (chosen.Frames.Select(f => (f.Slope, f.Intercept)).Distinct().Count() > 1)
        {
            warnings.Add("frames have different rescale slopes or intercepts (applied per frame).");
        }

        DicomGeometry[] sorted = [.. chosen.Frames.Select(f => f.Geometry)];
        DicomGeometry.CheckStack(sorted, warnings);
        Affine affine = sorted[0].ToRas(DicomGeometry.SliceStep(sorted, chosen.Frames[0].SliceSpacing));
        ImageMetadata read = DicomImageReader.Metadata(file, module, photometric, warnings);
        ImageMetadata metadata = read with
        {
            FileDims = [module.Columns, module.Rows, module.Frames],
            Properties = new Dictionary<string, string>(read.Properties) { ["enhancedFrames"] = structure, ["enhancedVolume"] = chosen.Label },
        };
        return new MedicalImage([module.Columns, module.Rows, count], channels, voxels, affine, metadata);
    }

    private static string Label(string stack, long temporal) =>
        (stack.Length > 0 ? $"stack {stack}" : "one stack") + (temporal > 0 ? $", temporal position {temporal}" : string.Empty);

    private static string Orientation(DicomGeometry g) => string.Create(CultureInfo.InvariantCulture,
        $"{g.RowDirection.X:0.000},{g.RowDirection.Y:0.000},{g.RowDirection.Z:0.000},{g.ColumnDirection.X:0.000},{g.ColumnDirection.Y:0.000},{g.ColumnDirection.Z:0.000}");
}

/// <summary>One frame of an enhanced multi-frame image, as its functional groups describe it.</summary>
/// <param name="Index">Its place in the file, from 0.</param>
/// <param name="Geometry">Where it lies.</param>
/// <param name="Slope">Its rescale slope.</param>
/// <param name="Intercept">Its rescale intercept.</param>
/// <param name="SliceSpacing">Spacing Between Slices, else Slice Thickness (for a volume of one frame).</param>
/// <param name="Stack">Its Stack ID, or empty.</param>
/// <param name="Temporal">Its Temporal Position Index, or 0.</param>
internal sealed record EnhancedFrame(int Index, DicomGeometry Geometry, double Slope, double Intercept, double SliceSpacing, string Stack, long Temporal);

/// <summary>Frames that form one volume, sorted along the normal.</summary>
/// <param name="Label">Which stack and time it is, for messages.</param>
/// <param name="Frames">Its frames, first slice first.</param>
internal sealed record EnhancedVolume(string Label, IReadOnlyList<EnhancedFrame> Frames);
