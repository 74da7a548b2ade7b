using Broker.Mqtt.Codec;
using Broker.Mqtt.Packets;

namespace Broker.Host.Bench;

/// <summary>
/// The read side of a <c>conn</c> connection: PINGRESP until the run ends, or the broker closes it. The end of the
/// run cancels the pending read rather than the read's token, so that stopping thousands of idle connections
/// throws no exception per connection.
/// </summary>
public static class IdleReader
{
    public static async Task RunAsync(BenchConnection connection, BenchErrors errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(errors);
        using var stop = cancellationToken.UnsafeRegister(static reader => ((System.IO.Pipelines.PipeReader)reader!).CancelPendingRead(), connection.Reader);
        try
        {
            while (true)
            {
                var result = await connection.Reader.ReadAsync(CancellationToken.None);
                if (result.IsCanceled)
                    break;
                var buffer = result.Buffer;
                DecodeStatus status;
                MqttPacket? packet;
                MqttDecodeError error;
                while ((status = connection.Decoder.TryDecode(ref buffer, out packet, out error)) == DecodeStatus.Decoded)
                {
                    if (packet is DisconnectPacket disconnect)
                        errors.Add($"conn: the broker sent DISCONNECT {disconnect.ReasonCode}");
                    else if (packet is not PingRespPacket)
                        errors.Add($"conn: unexpected {packet!.Type}");
                }
                connection.Reader.AdvanceTo(buffer.Start, buffer.End);
                if (status == DecodeStatus.Failed)
                {
                    errors.Add($"conn: malformed packet from the broker: {error}");
                    break;
                }
                if (result.IsCompleted)
                {
                    errors.Add("conn: the broker closed the connection");
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            if (!cancellationToken.IsCancellationRequested)
                errors.Add($"conn: read failed: {e.Message}");
        }
        connection.MarkClosed();
    }
}
