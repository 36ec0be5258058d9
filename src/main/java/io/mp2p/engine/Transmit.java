package io.mp2p.engine;

import java.net.InetSocketAddress;

/**
 * A datagram the caller must send: {@code length} bytes of {@code data} to {@code destination}
 * (a peer's group and port, or a unicast source for cookie replies).
 */
public record Transmit(InetSocketAddress destination, byte[] data, int length) {
}
