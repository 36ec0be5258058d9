package io.mp2p.cli.bench;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;

/**
 * The baseline round trip: two plain {@link DatagramChannel}s on their own multicast groups on
 * {@code lo}; the benchmark's thread sends to the echo side's group and waits for the echo on its own.
 */
final class UdpPingPong implements RoundTripper {
    private static final int PINGER_GROUP = 2;
    private static final int ECHO_GROUP = 3;
    private static final long JOIN_MILLIS = 1000;

    private final DatagramChannel pinger;
    private final DatagramChannel echo;
    private final InetSocketAddress echoAddress;
    private final InetSocketAddress pingerAddress;
    private final Thread echoThread;
    private final ByteBuffer out = ByteBuffer.allocateDirect(PING_SIZE);
    private final byte[] in = new byte[PING_SIZE];

    UdpPingPong(NetworkInterface lo) throws IOException {
        int port = Loopback.freePort();
        pingerAddress = new InetSocketAddress(Loopback.plainGroup(PINGER_GROUP), port);
        echoAddress = new InetSocketAddress(Loopback.plainGroup(ECHO_GROUP), port);
        pinger = Loopback.multicastChannel(lo, pingerAddress.getAddress(), port);
        try {
            echo = Loopback.multicastChannel(lo, echoAddress.getAddress(), port);
        } catch (IOException | RuntimeException e) {
            pinger.close();
            throw e;
        }
        pinger.socket().setSoTimeout((int) TimeUnit.NANOSECONDS.toMillis(REPLY_TIMEOUT_NANOS));
        echoThread = new Thread(this::echo, "bench-udp-echo");
        echoThread.setDaemon(true);
        echoThread.start();
    }

    private void echo() {
        ByteBuffer buf = ByteBuffer.allocateDirect(PING_SIZE);
        try {
            while (true) {
                buf.clear();
                echo.receive(buf);
                buf.flip();
                echo.send(buf, pingerAddress);
            }
        } catch (ClosedChannelException e) {
            // close(): the run is over
        } catch (IOException e) {
            System.err.println("mp2p bench: the plain UDP echo stopped: " + e.getMessage());
        }
    }

    @Override
    public long roundTrip(long seq) throws IOException {
        out.clear();
        out.putLong(0, seq);
        long start = System.nanoTime();
        pinger.send(out, echoAddress);
        DatagramPacket reply = new DatagramPacket(in, in.length);
        while (true) {
            try {
                pinger.socket().receive(reply);
            } catch (SocketTimeoutException e) {
                return -1;
            }
            if (reply.getLength() == PING_SIZE && ByteBuffer.wrap(in).getLong(0) == seq) {
                return System.nanoTime() - start;
            }
            if (System.nanoTime() - start > REPLY_TIMEOUT_NANOS) {
                return -1;
            }
            // a late echo of an earlier ping: keep waiting for this one
        }
    }

    @Override
    public void close() {
        UdpDatagrams.closeQuietly(echo);
        UdpDatagrams.closeQuietly(pinger);
        try {
            echoThread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
