package io.mp2p.cli.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

import io.mp2p.ChannelClosedException;
import io.mp2p.Mp2pException;
import io.mp2p.PeerSession;
import io.mp2p.CipherSuite;

/**
 * mp2p over the same path as {@link UdpDatagrams}: alice's {@link PeerSession#send} on the benchmark's
 * thread, bob's {@link PeerSession#receive} on a receiver thread. {@code send} seals and sends on the
 * calling thread (as {@code DatagramChannel.send} does for plain UDP), and a waiting {@code receive}
 * reads bob's sockets itself, so the path has the same two threads as the baseline; loss is what
 * bob's socket or receive queue could not hold.
 */
final class Mp2pDatagrams implements DatagramContender {
    private static final Duration RECEIVE_POLL = Duration.ofMillis(100);
    private static final long JOIN_MILLIS = 1000;

    private final Mp2pPair pair;
    private final PeerSession toBob;
    private final PeerSession toAlice;
    private final SliceCounter counter = new SliceCounter();
    private final Thread receiver;
    private volatile boolean stopping;

    Mp2pDatagrams(CipherSuite suite) throws IOException, BenchException, InterruptedException {
        this.pair = new Mp2pPair(suite, null);
        try {
            PeerSession[] s = pair.connect();
            this.toBob = s[0];
            this.toAlice = s[1];
        } catch (BenchException | InterruptedException | RuntimeException e) {
            pair.close();
            throw e;
        }
        this.receiver = new Thread(this::receive, "bench-mp2p-receiver");
        this.receiver.setDaemon(true);
        this.receiver.start();
    }

    private void receive() {
        try {
            while (!stopping) {
                byte[] m = toAlice.receive(RECEIVE_POLL);
                if (m != null) {
                    counter.onMessage(m);
                }
            }
        } catch (ChannelClosedException e) {
            // close(): the run is over
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public SliceCounter.Run run(int size, long sendNanos, long drainDeadline) throws BenchException {
        byte[] message = new byte[size];
        int tag = counter.begin();
        ByteBuffer.wrap(message).putInt(0, tag);
        long sealedBefore = pair.alice.metrics().messagesSent();
        long sent = 0;
        long start = System.nanoTime();
        long end = start + sendNanos;
        try {
            do {
                for (int i = 0; i < UdpDatagrams.BATCH; i++) {
                    toBob.send(message);
                }
                sent += UdpDatagrams.BATCH;
            } while (System.nanoTime() - end < 0);
        } catch (Mp2pException e) {
            throw new BenchException("mp2p: sending failed: " + e.getMessage(), e);
        }
        long sendEnd = System.nanoTime();
        long handed = sent;
        // A send that returned was sealed and given to the socket, or to alice's send queue when the
        // socket buffer was full: the slice lasts until that queue is empty and bob stopped reading.
        return counter.finish(tag, sent, start, sendEnd, drainDeadline,
                () -> pair.alice.transportMetrics().datagramsSent() + pair.bob.transportMetrics().datagramsReceived(),
                () -> pair.alice.transportMetrics().sendQueueLength() == 0
                        && pair.alice.metrics().messagesSent() - sealedBefore >= handed);
    }

    @Override
    public long arrived() {
        return counter.total();
    }

    @Override
    public void close() {
        stopping = true;
        pair.close();
        try {
            receiver.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
