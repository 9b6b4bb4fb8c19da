namespace MedExplain.Onnx;

/// <summary>An activation that a CAM method can use: the last spatial activation before a global pooling.</summary>
/// <param name="TensorName">The activation tensor's name in the graph.</param>
/// <param name="ProducerNode">The name of the node that computes it.</param>
/// <param name="ProducerOp">The op type of that node.</param>
/// <param name="PoolingNode">The name of the global pooling node it feeds.</param>
/// <param name="Rank">The activation's rank: 4 for 2D images (N, C, H, W), 5 for volumes.</param>
public sealed record CamLayerCandidate(string TensorName, string ProducerNode, string ProducerOp, string PoolingNode, int Rank);
