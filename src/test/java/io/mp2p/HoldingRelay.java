package io.mp2p;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Test helper on the loopback interface: a relay that listens on a group at a port of its own and
 * forwards to the real group and port, passing the first {@code pass} datagrams and holding the rest
 * until {@link #releaseHeld()} — so a test decides when a packet reaches its destination.
 */
final class HoldingRelay implements AutoCloseable {
    private final DatagramChannel in;
    private final DatagramChannel out;
    private final InetSocketAddress destination;
    private final InetSocketAddress entrance;
    private final Thread thread;
    private final List<ByteBuffer> held = new ArrayList<>();
    private int toPass;

    HoldingRelay(InetSocketAddress destination, int pass) throws IOException {
        NetworkInterface lo = NetworkInterface.getByName("lo");
        this.destination = destination;
        this.toPass = pass;
        int port = LoopbackPorts.free();
        this.in = DatagramChannel.open(StandardProtocolFamily.INET);
        in.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        in.bind(new InetSocketAddress(destination.getAddress(), port));
        in.join(destination.getAddress(), lo);
        this.entrance = new InetSocketAddress(destination.getAddress(), port);
        this.out = DatagramChannel.open(StandardProtocolFamily.INET);
        out.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo);
        out.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 0);
        this.thread = new Thread(this::run, "holding-relay");
        thread.setDaemon(true);
        thread.start();
    }

    /** Where to send so that the relay forwards: the destination's group, the relay's port. */
    InetSocketAddress entrance() {
        return entrance;
    }

    private void run() {
        ByteBuffer buf = ByteBuffer.allocate(65_536);
        try {
            while (true) {
                buf.clear();
                in.receive(buf);
                buf.flip();
                ByteBuffer copy = ByteBuffer.allocate(buf.remaining()).put(buf).flip();
                synchronized (this) {
                    if (toPass > 0) {
                        toPass--;
                        out.send(copy, destination);
                    } else {
                        held.add(copy);
                        notifyAll();
                    }
                }
            }
        } catch (ClosedChannelException closed) {
            // close() ends the relay
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    synchronized boolean awaitHeld(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (held.size() < n) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    /** Forwards what was held, in order. */
    synchronized void releaseHeld() throws IOException {
        for (ByteBuffer b : held) {
            out.send(b, destination);
        }
        held.clear();
    }

    @Override
    public void close() throws IOException {
        in.close();
        out.close();
    }
}
