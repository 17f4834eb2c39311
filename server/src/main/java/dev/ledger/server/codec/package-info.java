/**
 * The wire framing of the server: {@link dev.ledger.server.codec.FrameDecoder} (4-byte length, capped before
 * anything is buffered, a smaller cap before Hello) turns bytes into {@link dev.ledger.server.codec.InboundFrame}s;
 * {@link dev.ledger.server.codec.ServerFrames} builds the server's frames and
 * {@link dev.ledger.server.codec.ServerFrameEncoder} writes them length-prefixed.
 *
 * <p>Entry points: the decoder and encoder, installed in the pipeline by {@code ServerInitializer}. Calls only Netty
 * and the generated schema; callers: {@code dev.ledger.server} only.
 */
package dev.ledger.server.codec;
