package io.mp2p.net.internal;

import java.io.IOException;
import java.net.InetAddress;

/**
 * Listens for {@link ByteStream}s that peers open to a port: the server half of what sockets need from the stream
 * layer. {@link StreamServerSocketFactory} calls it for every {@code ServerSocket.bind}.
 */
public interface StreamAcceptor {
    /**
     * Starts accepting streams to {@code port}. Streams to a port nobody listens on are refused.
     *
     * @param port    1 to 65535, or 0 for a free port of the implementation's choosing
     * @param backlog streams opened and not yet accepted that are kept; past it, new ones are refused
     * @throws java.net.BindException when something already listens on {@code port}
     */
    PortListener listen(int port, int backlog) throws IOException;

    /** Our own peer address ({@code <our base32>.mp2p} at our group): what server sockets report as bound to. */
    InetAddress localAddress();
}
