namespace MedExplain.Methods;

/// <summary>Seeds for per-sample generators: fixed by (user seed, sample index), unlike HashCode, which changes per process.</summary>
internal static class SampleSeed
{
    public static int For(int seed, int sample) => unchecked((seed * 1_000_003) + (sample * 7919) + 17);
}
