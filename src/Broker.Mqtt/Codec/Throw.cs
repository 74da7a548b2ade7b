using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Broker.Mqtt.Codec;

/// <summary>Throw helpers kept out of line so that the readers' fast paths stay small enough to inline.</summary>
internal static class Throw
{
    [DoesNotReturn, StackTraceHidden, MethodImpl(MethodImplOptions.NoInlining)]
    public static void Malformed(string message) => throw new MqttProtocolException(ReasonCode.MalformedPacket, message);

    [DoesNotReturn, StackTraceHidden, MethodImpl(MethodImplOptions.NoInlining)]
    public static void ProtocolError(string message) => throw new MqttProtocolException(ReasonCode.ProtocolError, message);

    [DoesNotReturn, StackTraceHidden, MethodImpl(MethodImplOptions.NoInlining)]
    public static void Error(ReasonCode code, string message) => throw new MqttProtocolException(code, message);

    [DoesNotReturn, StackTraceHidden, MethodImpl(MethodImplOptions.NoInlining)]
    public static void Truncated(string field) =>
        throw new MqttProtocolException(ReasonCode.MalformedPacket, $"the remaining length ends inside the {field}");
}
