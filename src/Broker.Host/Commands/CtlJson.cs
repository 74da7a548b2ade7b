using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Broker.Host.Commands;

/// <summary>What <c>broker ctl</c> reads that has no record of its own: <c>/api/v5/metrics</c> and <c>stats</c>, whose names are open-ended.</summary>
[JsonSerializable(typeof(JsonArray))]
internal sealed partial class CtlJson : JsonSerializerContext;
