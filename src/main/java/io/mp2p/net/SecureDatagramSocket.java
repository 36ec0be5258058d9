package io.mp2p.net;

import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;

import io.mp2p.ChannelOptions;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;

/**
 * A real {@link DatagramSocket} whose datagrams travel encrypted and authenticated between mp2p peers: code
 * written against {@code DatagramSocket} runs unchanged over it. A peer's address is
 * {@code InetAddress.getByAddress("<base32>.mp2p", <its group>)} with its port ({@link PeerAddresses}); a received
 * packet carries the authenticated sender's address, which can be replied to directly.
 *
 * <ul>
 *   <li>{@code send} to a peer without a session starts the handshake and sends when it completes; up to 256
 *       datagrams wait for it, after which {@code send} throws {@code SocketException} ("No buffer space
 *       available"). Datagrams to a peer that never answers are dropped, as UDP drops them.</li>
 *   <li>{@code receive} honours {@code setSoTimeout} ({@code SocketTimeoutException}); a closed socket throws
 *       {@code SocketException}; a connected socket whose peer does not answer the handshake, or closed its
 *       session, throws {@code PortUnreachableException} once, as a UDP socket does after ICMP port unreachable.</li>
 *   <li>A datagram over 65,535 bytes is refused with {@link io.mp2p.MessageTooLargeException} (an
 *       {@code IOException}); a received one longer than the packet's buffer is cut, as UDP cuts it.</li>
 *   <li>Binding to port 0 (what {@code new DatagramSocket()} does) means the configured port,
 *       {@link ChannelOptions#port()}: a node is found at its group and port. The local address is our own peer
 *       address, {@code <our base32>.mp2p} at our group.</li>
 * </ul>
 *
 * <pre>{@code
 * ChannelOptions options = ChannelOptions.builder().networkInterface("lo").ttl(0).build();
 * try (DatagramSocket socket = SecureDatagramSocket.open(me, options)) {
 *     byte[] hello = "hello".getBytes(StandardCharsets.UTF_8);
 *     socket.send(new DatagramPacket(hello, hello.length, PeerAddresses.socketAddress(server, IpFamily.IPV4, 41414)));
 *     DatagramPacket reply = new DatagramPacket(new byte[2048], 2048);
 *     socket.setSoTimeout(5000);
 *     socket.receive(reply);                 // reply.getAddress() names the server: its key, authenticated
 * }
 * }</pre>
 */
public final class SecureDatagramSocket extends DatagramSocket {
    private final SecureDatagramSocketImpl impl;

    private SecureDatagramSocket(SecureDatagramSocketImpl impl) {
        super(impl);
        this.impl = impl;
    }

    /**
     * A socket for {@code identity} bound to {@code options.port()}: its channel is open and listening.
     *
     * @throws SocketException when the channel cannot open (no such interface, port in use); the cause says why
     */
    public static SecureDatagramSocket open(Mp2pIdentity identity, ChannelOptions options) throws SocketException {
        return open(identity, options, new InetSocketAddress(options.port()));
    }

    /**
     * A socket bound to {@code bindAddress} (port 0: the configured port), or unbound when it is null, as
     * {@link DatagramSocket#DatagramSocket(SocketAddress)}. An unbound socket binds on its first send or receive.
     */
    public static SecureDatagramSocket open(Mp2pIdentity identity, ChannelOptions options, SocketAddress bindAddress)
            throws SocketException {
        SecureDatagramSocket socket = new SecureDatagramSocket(new SecureDatagramSocketImpl(identity, options));
        if (bindAddress != null) {
            try {
                socket.bind(bindAddress);
            } catch (SocketException | RuntimeException e) {
                socket.close();
                throw e;
            }
        }
        return socket;
    }

    /** Our own public key: what peers send to. */
    public PeerKey localKey() {
        return impl.localKey();
    }

    /**
     * Datagrams lost inside this socket: received while the receive buffer (SO_RCVBUF bytes) was full, or sent to
     * a peer whose handshake failed.
     */
    public long droppedDatagrams() {
        return impl.droppedDatagrams();
    }
}
