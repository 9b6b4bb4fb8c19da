using System.Numerics.Tensors;

namespace MedExplain.Methods.Gradient;

/// <summary>A reusable buffer of standard normal draws (Box–Muller on whole arrays, so Log, Sqrt, Cos and Sin run
/// vectorised): noise for a 64³ volume costs a few milliseconds, not the hundreds a scalar loop takes.</summary>
internal sealed class GaussianNoise(int count)
{
    private readonly float[] _radius = new float[(count + 1) / 2];
    private readonly float[] _angle = new float[(count + 1) / 2];
    private readonly float[] _values = new float[count];

    /// <summary>Gets the last draws.</summary>
    public ReadOnlySpan<float> Values => _values;

    /// <summary>Draws new values from <paramref name="random"/>.</summary>
    public void Fill(Random random)
    {
        int half = _radius.Length;
        for (int i = 0; i < half; i++)
        {
            _radius[i] = 1 - random.NextSingle(); // in (0, 1], so the logarithm is finite
            _angle[i] = random.NextSingle();
        }

        TensorPrimitives.Log(_radius, _radius);
        TensorPrimitives.Multiply(_radius, -2f, _radius);
        TensorPrimitives.Sqrt(_radius, _radius);
        TensorPrimitives.Multiply(_angle, 2 * MathF.PI, _angle);
        Span<float> first = _values.AsSpan(0, half), second = _values.AsSpan(half);
        TensorPrimitives.Cos(_angle, first);
        TensorPrimitives.Multiply(first, _radius, first);
        TensorPrimitives.Sin(_angle.AsSpan(0, second.Length), second);
        TensorPrimitives.Multiply(second, _radius.AsSpan(0, second.Length), second);
    }
}
