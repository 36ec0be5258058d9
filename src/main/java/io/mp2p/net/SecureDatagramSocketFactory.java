package io.mp2p.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Objects;
import java.util.function.Supplier;

import io.mp2p.ChannelOptions;
import io.mp2p.identity.Mp2pIdentity;

/**
 * Makes {@link SecureDatagramSocket}s, with the three methods libraries that take a datagram socket factory call
 * (the same as Apache Commons Net's {@code DatagramSocketFactory}). Get one from
 * {@link io.mp2p.provider.SecureChannelContext#getDatagramSocketFactory(ChannelOptions)}.
 *
 * <p>Commons Net is not a dependency of mp2p, so its interface is bridged with method references:
 *
 * <pre>{@code
 * SecureDatagramSocketFactory mp2p = ctx.getDatagramSocketFactory(options);
 * EchoUDPClient client = new EchoUDPClient();
 * client.setDatagramSocketFactory(new DatagramSocketFactory() {
 *     public DatagramSocket createDatagramSocket() throws SocketException { return mp2p.createDatagramSocket(); }
 *     public DatagramSocket createDatagramSocket(int port) throws SocketException { return mp2p.createDatagramSocket(port); }
 *     public DatagramSocket createDatagramSocket(int port, InetAddress laddr) throws SocketException {
 *         return mp2p.createDatagramSocket(port, laddr);
 *     }
 * });
 * client.open();                                    // an mp2p socket, bound to options.port()
 * }</pre>
 */
public final class SecureDatagramSocketFactory {
    private final Supplier<Mp2pIdentity> identity;
    private final ChannelOptions options;

    /** Sockets for the identity {@code identity} gives at each creation, configured by {@code options}. */
    public SecureDatagramSocketFactory(Supplier<Mp2pIdentity> identity, ChannelOptions options) {
        this.identity = Objects.requireNonNull(identity, "identity");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** A socket bound to the configured port, as {@code new DatagramSocket()} is bound to some port. */
    public SecureDatagramSocket createDatagramSocket() throws SocketException {
        return SecureDatagramSocket.open(identity.get(), options);
    }

    /** A socket bound to {@code port} (0: the configured port). */
    public SecureDatagramSocket createDatagramSocket(int port) throws SocketException {
        return SecureDatagramSocket.open(identity.get(), options, new InetSocketAddress(port));
    }

    /** A socket bound to {@code port}; {@code laddr} must be null, the wildcard address, or our own peer address. */
    public SecureDatagramSocket createDatagramSocket(int port, InetAddress laddr) throws SocketException {
        return SecureDatagramSocket.open(identity.get(), options, new InetSocketAddress(laddr, port));
    }
}
