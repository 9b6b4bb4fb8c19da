using MedExplain.Batching;

namespace MedExplain.Onnx;

/// <summary>Reads inner tensors of a model in forward passes only, in batches sized by the memory budget: each item's
/// values of every requested tensor (graph outputs or any node output) as flat arrays.</summary>
public static class TensorReader
{
    /// <summary>Runs every item of <paramref name="inputs"/> and hands each one's values of <paramref name="tensors"/>
    /// to <paramref name="consume"/>, in item order. A tensor whose first axis folds another into the batch (heads,
    /// as (N·H, T, T)) is split evenly per item.</summary>
    /// <param name="model">The model.</param>
    /// <param name="inputs">Model-ready inputs (N, C, spatial…).</param>
    /// <param name="tensors">The tensors to read.</param>
    /// <param name="maxMemoryBytes">The memory the batches may take.</param>
    /// <param name="consume">Receives the item's index and its values of each tensor, in the order asked.</param>
    /// <param name="progress">Receives progress after each run, or null.</param>
    /// <param name="cancellationToken">Stops between runs.</param>
    public static void Stream(OnnxModel model, FloatTensor inputs, IReadOnlyList<string> tensors, long maxMemoryBytes, Action<int, float[][]> consume, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(consume);
        int[] itemShape = inputs.Shape[1..];
        int probeBatch = model.FixedBatchSize ?? 1;
        long perItem = (model.ProbeShapes([probeBatch, .. itemShape]).ActivationBytes / probeBatch) + (inputs.ItemSize * sizeof(float));
        BatchPlan plan = MemoryBudget.Plan(inputs.BatchSize, perItem, maxMemoryBytes, model.FixedBatchSize);
        var batch = new FloatTensor([plan.BatchSize, .. itemShape]);
        OnnxModel exposing = WithOutputs(model, tensors);
        BatchRunner.Stream(inputs.BatchSize, plan, (start, count) =>
        {
            Array.Clear(batch.Data);
            inputs.Data.AsSpan(start * inputs.ItemSize, count * inputs.ItemSize).CopyTo(batch.Data);
            FloatTensor[] results = exposing.Run(batch, tensors);
            for (int k = 0; k < count; k++)
            {
                consume(start + k, [.. results.Select(r => r.Data.AsSpan(k * (r.Data.Length / plan.BatchSize), r.Data.Length / plan.BatchSize).ToArray())]);
            }
        }, progress, cancellationToken);
    }

    /// <summary>The model with the tensors that are not outputs yet as extra graph outputs (cached on the model).</summary>
    private static OnnxModel WithOutputs(OnnxModel model, IReadOnlyList<string> tensors)
    {
        string[] inner = [.. tensors.Where(t => model.Outputs.All(o => o.Name != t)).Distinct()];
        foreach (string tensor in inner.Where(t => !model.Graph.Defines(t)))
        {
            throw new UnknownNameException(model.FilePath, "tensor", tensor);
        }

        return model.Derived("outputs:" + string.Join("|", inner), proto =>
        {
            global::Onnx.ModelProto exposed = proto.Clone();
            exposed.Graph.Output.Add(inner.Select(t => new global::Onnx.ValueInfoProto { Name = t }));
            return (exposed, inner.Length);
        });
    }
}
