/**
 * The wire framing of the server: {@link dev.ledger.server.codec.FrameDecoder} (4-byte length, capped before
 * anything is buffered, a smaller cap before Hello) turns bytes into {@link dev.ledger.server.codec.InboundFrame}s;
 * {@link dev.ledger.server.codec.ServerFrames} builds the server's frames and
 * {@link dev.ledger.server.codec.ServerFrameEncoder} writes them length-prefixed, except the Ack, which
 * {@link dev.ledger.server.codec.AckFrame} encodes from an Ack's primitive results straight into a pooled buffer,
 * and the Decisions frame, which {@link dev.ledger.server.codec.DecisionsFrame} builds from the decisions' own bytes
 * (both byte-identical to protobuf's encoding; the encoder passes such buffers through).
 *
 * <p>Entry points: the decoder and encoder, installed in the pipeline by {@code ServerInitializer}, and {@code
 * AckFrame.encode} and {@code DecisionsFrame.encode}, called by the connection's handlers on its event loop. Calls
 * only Netty and the generated schema; callers: {@code dev.ledger.server} only.
 */
package dev.ledger.server.codec;
