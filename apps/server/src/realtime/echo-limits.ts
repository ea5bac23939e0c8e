/** Per-socket limits of the Echo gateway; a client that exceeds them loses packets, never the server. */
export interface EchoLimits {
  /** Channels one socket may be subscribed to at once. */
  maxSubscriptions: number;
  /** Whispers per second one socket may send (token bucket), and the burst it may save up. */
  whispersPerSecond: number;
  whisperBurst: number;
  /** Largest whisper `data`, as JSON bytes. */
  maxWhisperBytes: number;
  /** Largest Socket.IO packet the engine accepts at all; bigger ones close the connection. */
  maxPacketBytes: number;
}

export const DEFAULT_ECHO_LIMITS: EchoLimits = {
  maxSubscriptions: 100,
  whispersPerSecond: 10,
  whisperBurst: 10,
  maxWhisperBytes: 10 * 1024,
  maxPacketBytes: 100 * 1024,
};
