package io.mp2p.cli.bench;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * One side of a DTLS handshake over a connected UDP socket on 127.0.0.1, as a JSSE application
 * drives it: wrap and send while the engine needs to wrap, receive and unwrap while it needs to
 * unwrap, and on a receive timeout call wrap again so the engine retransmits its last flight.
 */
final class DtlsSocketHandshake {
    static final int BUFFER = 1 << 16;
    /** How long to wait for the peer's flight before retransmitting ours (loopback: a lost packet). */
    private static final long RETRANSMIT_MILLIS = 200;

    private DtlsSocketHandshake() {
    }

    /** A UDP socket on 127.0.0.1 with a port of its own and the benchmark's receive buffer. */
    static DatagramChannel socket() throws IOException {
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            ch.setOption(StandardSocketOptions.SO_RCVBUF, Loopback.RECEIVE_BUFFER);
            ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** Connects two sockets to each other, so each reads only the other's datagrams. */
    static void connect(DatagramChannel a, DatagramChannel b) throws IOException {
        a.connect(b.getLocalAddress());
        b.connect(a.getLocalAddress());
    }

    /**
     * Runs {@code engine}'s handshake to its end over {@code ch} (blocking mode, connected).
     *
     * @throws SSLException when the engine fails or the handshake is not done by {@code deadline}
     */
    static void run(SSLEngine engine, DatagramChannel ch, long deadline) throws IOException {
        ch.socket().setSoTimeout((int) RETRANSMIT_MILLIS);
        ByteBuffer net = ByteBuffer.allocate(BUFFER);
        ByteBuffer app = ByteBuffer.allocate(BUFFER);
        ByteBuffer in = ByteBuffer.allocate(BUFFER).flip();
        ByteBuffer empty = ByteBuffer.allocate(0);
        DatagramPacket packet = new DatagramPacket(in.array(), in.capacity());
        engine.beginHandshake();
        boolean finished = false;
        while (!finished) {
            if (System.nanoTime() - deadline >= 0) {
                throw new SSLException("the DTLS handshake over 127.0.0.1 did not finish in time ("
                        + engine.getHandshakeStatus() + ")");
            }
            SSLEngineResult r;
            switch (engine.getHandshakeStatus()) {
                case NEED_TASK -> {
                    for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
                        task.run();
                    }
                    continue;
                }
                case NEED_WRAP -> {
                    finished = flight(engine, ch, net, empty);
                    continue;
                }
                case NEED_UNWRAP -> {
                    if (!in.hasRemaining()) {
                        try {
                            packet.setLength(in.capacity());
                            ch.socket().receive(packet);
                        } catch (SocketTimeoutException e) {
                            // Our last flight or the peer's answer was lost: wrap again to retransmit.
                            finished = flight(engine, ch, net, empty);
                            continue;
                        }
                        in.clear().limit(packet.getLength());
                    }
                    app.clear();
                    r = engine.unwrap(in, app);
                }
                case NEED_UNWRAP_AGAIN -> {
                    app.clear();
                    r = engine.unwrap(empty, app);
                }
                default -> {
                    return;
                }
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("the DTLS peer closed during the handshake");
            }
            if (r.getStatus() != SSLEngineResult.Status.OK) {
                // A datagram the engine cannot use now (BUFFER_UNDERFLOW: truncated): drop it, as DTLS does.
                in.limit(0);
            }
            finished = r.getHandshakeStatus() == HandshakeStatus.FINISHED;
        }
    }

    /** Wraps and sends until the engine stops asking to; true if that ended the handshake. */
    private static boolean flight(SSLEngine engine, DatagramChannel ch, ByteBuffer net, ByteBuffer empty)
            throws IOException {
        while (true) {
            net.clear();
            SSLEngineResult r = engine.wrap(empty, net);
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                throw new SSLException("the DTLS engine closed during the handshake");
            }
            net.flip();
            if (net.hasRemaining()) {
                ch.write(net);
            }
            HandshakeStatus hs = r.getHandshakeStatus();
            if (hs == HandshakeStatus.FINISHED) {
                return true;
            }
            if (hs != HandshakeStatus.NEED_WRAP) {
                return false;
            }
        }
    }
}
