package io.mp2p.provider;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import io.mp2p.HandshakeTimeoutException;
import io.mp2p.provider.SecureChannelEngineResult.HandshakeStatus;

/**
 * Test helper: two {@link SecureChannelEngine}s joined by an in-memory "network" that loses, duplicates and
 * reorders datagrams, on a simulated clock. No socket anywhere. Each step sends what the engines want to send,
 * delivers one in-flight datagram picked at random, or, when nothing is in flight, jumps the clock to the next
 * deadline and runs the timers.
 */
final class EnginePipe {
    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final SplittableRandom random;
    final List<List<byte[]>> received = List.of(new ArrayList<>(), new ArrayList<>());
    final List<List<ByteBuffer>> inFlight = List.of(new ArrayList<>(), new ArrayList<>());
    SecureChannelEngine[] engines = new SecureChannelEngine[2];
    double loss;
    double duplication;
    int delivered;
    int lost;
    int reorderedDeliveries;
    private final long[] sentSeq = new long[2];
    private final List<List<Long>> inFlightSeq = List.of(new ArrayList<>(), new ArrayList<>());
    private final long[] lastDeliveredSeq = {-1, -1};

    EnginePipe(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** One step; false when nothing at all could happen (no datagram, no deadline). */
    boolean step() throws HandshakeTimeoutException {
        for (int i = 0; i < 2; i++) {
            flushWraps(i);
        }
        int total = inFlight.get(0).size() + inFlight.get(1).size();
        if (total > 0) {
            int pick = random.nextInt(total);
            int to = pick < inFlight.get(0).size() ? 0 : 1;
            int index = to == 0 ? pick : pick - inFlight.get(0).size();
            ByteBuffer datagram = inFlight.get(to).remove(index);
            long seq = inFlightSeq.get(to).remove(index);
            if (seq < lastDeliveredSeq[to]) {
                reorderedDeliveries++;
            }
            lastDeliveredSeq[to] = Math.max(lastDeliveredSeq[to], seq);
            delivered++;
            unwrapAll(to, datagram);
            return true;
        }
        long next = Math.min(engines[0].nextDeadline(), engines[1].nextDeadline());
        if (next == SecureChannelEngine.NO_DEADLINE) {
            return false;
        }
        if (next > clock.get()) {
            clock.set(next);
        }
        for (SecureChannelEngine e : engines) {
            if (e.getHandshakeStatus() == HandshakeStatus.NEED_TIMER) {
                e.onTimer();
            }
        }
        return true;
    }

    /** Steps until {@code done} holds, at most {@code maxSteps} times. */
    boolean runUntil(java.util.function.BooleanSupplier done, int maxSteps) throws HandshakeTimeoutException {
        for (int i = 0; i < maxSteps; i++) {
            if (done.getAsBoolean()) {
                return true;
            }
            if (!step()) {
                return done.getAsBoolean();
            }
        }
        return done.getAsBoolean();
    }

    /** Wraps everything engine {@code from} has to send into the pipe toward the other engine. */
    void flushWraps(int from) {
        SecureChannelEngine e = engines[from];
        ByteBuffer packet = ByteBuffer.allocate(e.getPacketBufferSize());
        while (e.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            packet.clear();
            try {
                e.wrap(ByteBuffer.allocate(0), packet);
            } catch (io.mp2p.MessageTooLargeException ex) {
                throw new AssertionError("an empty source is never too large", ex);
            }
            packet.flip();
            transmit(1 - from, packet);
        }
    }

    /** Puts one datagram on the wire toward engine {@code to}, subject to loss and duplication. */
    void transmit(int to, ByteBuffer packet) {
        if (random.nextDouble() < loss) {
            lost++;
            return;
        }
        int copies = random.nextDouble() < duplication ? 2 : 1;
        long seq = sentSeq[to]++;
        for (int c = 0; c < copies; c++) {
            ByteBuffer copy = ByteBuffer.allocate(packet.remaining());
            copy.put(packet.duplicate()).flip();
            inFlight.get(to).add(copy);
            inFlightSeq.get(to).add(seq);
        }
    }

    private void unwrapAll(int to, ByteBuffer datagram) {
        SecureChannelEngine e = engines[to];
        ByteBuffer message = ByteBuffer.allocate(e.getApplicationBufferSize());
        SecureChannelEngineResult r = e.unwrap(datagram, message);
        while (r.bytesProduced() > 0) {
            message.flip();
            byte[] m = new byte[message.remaining()];
            message.get(m);
            received.get(to).add(m);
            message.clear();
            r = e.unwrap(ByteBuffer.allocate(0), message);
        }
    }
}
