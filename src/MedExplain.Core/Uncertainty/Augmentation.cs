namespace MedExplain.Uncertainty;

/// <summary>
/// A test-time augmentation with an exact inverse: flips along a spatial axis, quarter turns in the plane of the last two
/// axes (square planes only), and intensity scaling. <see cref="Apply"/> changes a model input (N, C, spatial…);
/// <see cref="Invert"/> brings a map made on the changed input back onto the original grid (flips and turns undone
/// exactly, by moving values, never by resampling; intensity leaves the grid as it is).
/// </summary>
public abstract record Augmentation
{
    /// <summary>Gets a short name for reports ("flip axis 3", "rotate 90° ×2", "intensity ×1.1").</summary>
    public abstract string Name { get; }

    /// <summary>The input as the model sees it under this augmentation.</summary>
    /// <param name="input">A model input (N, C, spatial…).</param>
    public abstract FloatTensor Apply(FloatTensor input);

    /// <summary>A map or output on the augmented grid, brought back to the original grid.</summary>
    /// <param name="map">Shaped like the input, or (N, spatial…) without channels.</param>
    public abstract FloatTensor Invert(FloatTensor map);

    /// <summary>No change: its samples must agree exactly.</summary>
    public sealed record Identity : Augmentation
    {
        /// <inheritdoc/>
        public override string Name => "identity";

        /// <inheritdoc/>
        public override FloatTensor Apply(FloatTensor input) => new([.. input.Shape], [.. input.Data]);

        /// <inheritdoc/>
        public override FloatTensor Invert(FloatTensor map) => new([.. map.Shape], [.. map.Data]);
    }

    /// <summary>Mirrors along one axis of the tensor (its own inverse).</summary>
    /// <param name="Axis">The axis counted from the end: 1 the last (width), 2 the one before (height), 3 depth.</param>
    public sealed record Flip(int Axis) : Augmentation
    {
        /// <inheritdoc/>
        public override string Name => Axis switch { 1 => "flip left-right", 2 => "flip up-down", _ => $"flip axis −{Axis}" };

        /// <inheritdoc/>
        public override FloatTensor Apply(FloatTensor input) => Mirror(input);

        /// <inheritdoc/>
        public override FloatTensor Invert(FloatTensor map) => Mirror(map);

        private FloatTensor Mirror(FloatTensor tensor)
        {
            ArgumentNullException.ThrowIfNull(tensor);
            int axis = tensor.Rank - Axis;
            if (Axis < 1 || axis < 1)
            {
                throw new MedExplainParameterException("augmentation", $"cannot flip axis −{Axis} of a tensor shaped {FloatTensor.FormatShape(tensor.Shape)}.");
            }

            int length = tensor.Shape[axis];
            long inner = FloatTensor.ElementCount(tensor.Shape.AsSpan(axis + 1));
            var result = new float[tensor.Data.Length];
            for (long start = 0; start < tensor.Data.Length; start += length * inner)
            {
                for (int k = 0; k < length; k++)
                {
                    Array.Copy(tensor.Data, start + (k * inner), result, start + ((length - 1 - k) * inner), inner);
                }
            }

            return new FloatTensor([.. tensor.Shape], result);
        }
    }

    /// <summary>Turns the plane of the last two axes by quarter turns (counter-clockwise as an image is shown, rows down).</summary>
    /// <param name="Quarters">How many quarter turns, 1 to 3.</param>
    public sealed record Rotate(int Quarters) : Augmentation
    {
        /// <inheritdoc/>
        public override string Name => $"rotate {90 * Quarters}°";

        /// <inheritdoc/>
        public override FloatTensor Apply(FloatTensor input) => Turn(input, Quarters);

        /// <inheritdoc/>
        public override FloatTensor Invert(FloatTensor map) => Turn(map, 4 - Quarters);

        private static FloatTensor Turn(FloatTensor tensor, int quarters)
        {
            ArgumentNullException.ThrowIfNull(tensor);
            int height = tensor.Shape[^2], width = tensor.Shape[^1];
            if (tensor.Rank < 3 || height != width || quarters is < 1 or > 3)
            {
                throw new MedExplainParameterException("augmentation", $"quarter turns need a square last plane and 1 to 3 turns, not {FloatTensor.FormatShape(tensor.Shape)} and {quarters}.");
            }

            int n = width, plane = n * n;
            var result = new float[tensor.Data.Length];
            for (int start = 0; start < tensor.Data.Length; start += plane)
            {
                for (int row = 0; row < n; row++)
                {
                    for (int column = 0; column < n; column++)
                    {
                        // One counter-clockwise quarter turn sends (row, column) to (n − 1 − column, row).
                        (int r, int c) = (row, column);
                        for (int q = 0; q < quarters; q++)
                        {
                            (r, c) = (n - 1 - c, r);
                        }

                        result[start + (r * n) + c] = tensor.Data[start + (row * n) + column];
                    }
                }
            }

            return new FloatTensor([.. tensor.Shape], result);
        }
    }

    /// <summary>Multiplies the input's values (for models whose normalisation does not undo it, such as fixed windows).</summary>
    /// <param name="Factor">The factor, above 0.</param>
    public sealed record IntensityScale(double Factor) : Augmentation
    {
        /// <inheritdoc/>
        public override string Name => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"intensity ×{Factor:0.###}");

        /// <inheritdoc/>
        public override FloatTensor Apply(FloatTensor input)
        {
            ArgumentNullException.ThrowIfNull(input);
            if (!(Factor > 0) || !double.IsFinite(Factor))
            {
                throw new MedExplainParameterException("augmentation", $"an intensity factor must be a positive number, not {Factor}.");
            }

            return new FloatTensor([.. input.Shape], [.. input.Data.Select(v => (float)(v * Factor))]);
        }

        /// <inheritdoc/>
        public override FloatTensor Invert(FloatTensor map) => new([.. map.Shape], [.. map.Data]);
    }
}
