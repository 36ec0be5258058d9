package io.mp2p.cli.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;

/**
 * The baseline: plain UDP, one {@link DatagramChannel} sending to an IPv4 multicast group on
 * {@code lo}, another receiving it on its own thread. Blocking sends, no flow control: what the
 * kernel cannot queue for the receiver is lost, as it would be for any UDP application.
 */
final class UdpDatagrams implements DatagramContender {
    /** Sends between two looks at the clock. */
    static final int BATCH = 16;
    private static final int GROUP_LAST_BYTE = 1;
    private static final int MAX_DATAGRAM = 65_535;

    private final DatagramChannel rx;
    private final DatagramChannel tx;
    private final InetSocketAddress to;
    private final SliceCounter counter = new SliceCounter();
    private final Thread receiver;

    UdpDatagrams(NetworkInterface lo) throws IOException {
        InetAddress group = Loopback.plainGroup(GROUP_LAST_BYTE);
        int port = Loopback.freePort();
        this.rx = Loopback.multicastChannel(lo, group, port);
        this.tx = Loopback.multicastSender(lo);
        this.to = new InetSocketAddress(group, port);
        this.receiver = new Thread(this::receive, "bench-udp-receiver");
        this.receiver.setDaemon(true);
        this.receiver.start();
    }

    private void receive() {
        ByteBuffer buf = ByteBuffer.allocateDirect(MAX_DATAGRAM);
        try {
            while (true) {
                buf.clear();
                rx.receive(buf);
                buf.flip();
                counter.onMessage(buf);
            }
        } catch (ClosedChannelException e) {
            // close(): the run is over
        } catch (IOException e) {
            System.err.println("mp2p bench: the plain UDP receiver stopped: " + e.getMessage());
        }
    }

    @Override
    public SliceCounter.Run run(int size, long sendNanos, long drainDeadline) throws IOException {
        ByteBuffer out = ByteBuffer.allocateDirect(size);
        int tag = counter.begin();
        long sent = 0;
        long start = System.nanoTime();
        long end = start + sendNanos;
        do {
            for (int i = 0; i < BATCH; i++) {
                out.clear();
                out.putInt(0, tag);
                tx.send(out, to);
            }
            sent += BATCH;
        } while (System.nanoTime() - end < 0);
        long sendEnd = System.nanoTime();
        return counter.finish(tag, sent, start, sendEnd, drainDeadline);
    }

    @Override
    public long arrived() {
        return counter.total();
    }

    @Override
    public void close() {
        closeQuietly(tx);
        closeQuietly(rx);
        try {
            receiver.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void closeQuietly(DatagramChannel ch) {
        try {
            ch.close();
        } catch (IOException e) {
            // closing: nothing left to lose
        }
    }
}
