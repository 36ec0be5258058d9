package io.mp2p.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.mp2p.ChannelOptions;
import io.mp2p.LoopbackPorts;
import io.mp2p.Mp2pStream;
import io.mp2p.PeerSession;
import io.mp2p.SecureMulticastChannel;
import io.mp2p.StreamListener;
import io.mp2p.identity.Mp2pIdentity;

/**
 * Soak (issue 14 item 3): two channels on the loopback interface (TTL 0) exchange messages both ways
 * and one reliable stream at a fixed moderate rate for {@code -Dsoak.minutes} (default 30) across
 * several rekeys (REKEY_AFTER_TIME is 120 s). Checks zero loss, no duplicate and no altered message,
 * a byte-exact stream, and prints heap, threads and file descriptors every sample so growth shows.
 *
 * <p>Not part of {@code mvn verify}: run with {@code mvn -B test -Psoak -Dsoak.minutes=30}, or
 * directly as a program ({@link #main}). The channel offers no rekey hook, so rekeys are logged
 * from {@code metrics().handshakesCompleted()} sampled every {@link #SAMPLE}.
 */
public class ChannelSoak {
    private static final int STREAM_PORT = 7000;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration SAMPLE = Duration.ofSeconds(5);
    /** Messages per second each way: moderate, so any loss is the protocol's, not a full queue's. */
    private static final int MESSAGES_PER_SECOND = 50;
    private static final int MESSAGE_BYTES = 200;
    /** Stream bytes per second, written in chunks of {@link #STREAM_CHUNK}. */
    private static final int STREAM_BYTES_PER_SECOND = 64 * 1024;
    private static final int STREAM_CHUNK = 4096;
    private static final long SEQ_SEED = 0x5eed;
    private static final double MIB = 1024.0 * 1024.0;

    private PrintStream log = System.out;
    private Duration length = Duration.ZERO;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stop;

    @Test
    void soak() throws Exception {
        double minutes = Double.parseDouble(System.getProperty("soak.minutes", "30"));
        Result r = new ChannelSoak().run(System.out, Duration.ofSeconds((long) (minutes * 60)));
        r.assertClean();
    }

    /** {@code java ... io.mp2p.soak.ChannelSoak [minutes]} */
    public static void main(String[] args) throws Exception {
        double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 30;
        Result r = new ChannelSoak().run(System.out, Duration.ofSeconds((long) (minutes * 60)));
        System.out.println(r.clean() ? "SOAK PASSED" : "SOAK FAILED");
        System.exit(r.clean() ? 0 : 1);
    }

    /** What a run saw; the assertions live in {@link #assertClean()}. */
    record Result(long[] sent, long[] received, long[] duplicates, long[] altered, long[] dropped,
                  long streamSent, long streamReceived, long streamMismatches, int rekeys, Throwable failure) {
        boolean clean() {
            return failure == null && sent[0] == received[0] && sent[1] == received[1] && duplicates[0] + duplicates[1] == 0
                    && altered[0] + altered[1] == 0 && dropped[0] + dropped[1] == 0 && streamSent == streamReceived
                    && streamMismatches == 0;
        }

        void assertClean() {
            assertEquals(null, failure, "no thread failed");
            assertEquals(sent[0], received[0], "alice -> bob: every message arrived");
            assertEquals(sent[1], received[1], "bob -> alice: every message arrived");
            assertEquals(0, duplicates[0] + duplicates[1], "no message delivered twice");
            assertEquals(0, altered[0] + altered[1], "no message altered");
            assertEquals(streamSent, streamReceived, "every stream byte arrived");
            assertEquals(0, streamMismatches, "the stream is byte-exact");
        }
    }

    Result run(PrintStream out, Duration runFor) throws Exception {
        this.log = out;
        this.length = runFor;
        Mp2pIdentity alice = Mp2pIdentity.generate();
        Mp2pIdentity bob = Mp2pIdentity.generate();
        int port = LoopbackPorts.free();
        ChannelOptions.Builder lo = ChannelOptions.builder().networkInterface("lo").ttl(0).port(port)
                .connectTimeout(WAIT);
        AtomicLongArray sent = new AtomicLongArray(2);
        AtomicLongArray received = new AtomicLongArray(2);
        AtomicLongArray duplicates = new AtomicLongArray(2);
        AtomicLongArray altered = new AtomicLongArray(2);
        long[] dropped = new long[2];
        AtomicLong streamSent = new AtomicLong();
        AtomicLong streamReceived = new AtomicLong();
        AtomicLong streamMismatches = new AtomicLong();
        int rekeys = 0;
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo.build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo.build());
             StreamListener listener = b.listenStreams(STREAM_PORT, 4)) {
            PeerSession toBob = a.connect(bob.publicKey());
            toBob.send(hello());
            PeerSession toAlice = b.accept(WAIT);
            if (toAlice == null) {
                throw new IllegalStateException("bob saw no session");
            }
            toAlice.receive(WAIT);
            toAlice.send(hello());
            toBob.receive(WAIT);
            Mp2pStream up = toBob.openStream(STREAM_PORT);
            List<Thread> threads = new ArrayList<>();
            long start = System.nanoTime();
            long end = start + length.toNanos();
            Sample first = Sample.take(a, b, start);
            log.printf("soak: %s for %s, %d msg/s each way of %d B, stream %d KiB/s, sample every %s%n",
                    Instant.now(), length, MESSAGES_PER_SECOND, MESSAGE_BYTES, STREAM_BYTES_PER_SECOND / 1024, SAMPLE);
            log.println("soak: start " + first);
            threads.add(daemon("soak-send-a", () -> sendLoop(toBob, 0, sent, end)));
            threads.add(daemon("soak-send-b", () -> sendLoop(toAlice, 1, sent, end)));
            threads.add(daemon("soak-recv-b", () -> receiveLoop(toAlice, 0, received, duplicates, altered, sent)));
            threads.add(daemon("soak-recv-a", () -> receiveLoop(toBob, 1, received, duplicates, altered, sent)));
            threads.add(daemon("soak-stream-w", () -> streamWriter(up, streamSent, end)));
            threads.add(daemon("soak-stream-r", () -> streamReader(listener, streamReceived, streamMismatches)));
            long hsA = first.handshakesA;
            long hsB = first.handshakesB;
            while (System.nanoTime() < end && failure.get() == null) {
                Thread.sleep(SAMPLE.toMillis());
                Sample s = Sample.take(a, b, start);
                if (s.handshakesA != hsA || s.handshakesB != hsB) {
                    rekeys += (int) Math.max(s.handshakesA - hsA, s.handshakesB - hsB);
                    log.printf("soak: REKEY at %s (t=%.0f s): handshakes completed alice %d, bob %d%n",
                            Instant.now(), s.seconds, s.handshakesA, s.handshakesB);
                    hsA = s.handshakesA;
                    hsB = s.handshakesB;
                }
                log.printf("soak: t=%5.0f s  msgs a->b %d/%d  b->a %d/%d  stream %.1f/%.1f MiB  %s%n", s.seconds,
                        received.get(0), sent.get(0), received.get(1), sent.get(1), streamReceived.get() / MIB,
                        streamSent.get() / MIB, s);
            }
            stop = true;
            for (Thread t : threads) {
                t.join(WAIT.toMillis());
            }
            // Let the last messages and stream bytes land before counting.
            long settle = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < settle
                    && (received.get(0) != sent.get(0) || received.get(1) != sent.get(1) || streamReceived.get() != streamSent.get())) {
                Thread.sleep(100);
            }
            dropped[0] = toAlice.droppedMessages();
            dropped[1] = toBob.droppedMessages();
            Sample after = Sample.take(a, b, start);
            log.println("soak: end   " + after);
            log.printf("soak: heap %.1f -> %.1f MiB, threads %d -> %d, fds %d -> %d (after GC)%n", first.heapMiB,
                    after.heapMiB, first.threads, after.threads, first.fds, after.fds);
            log.printf("soak: messages a->b %d sent %d received, b->a %d sent %d received; duplicates %d, altered %d,"
                    + " receive-queue drops %d; stream %d B written %d B read byte-exact (%d mismatches); rekeys %d"
                    + " (handshakes completed alice %d, bob %d)%n", sent.get(0), received.get(0), sent.get(1), received.get(1),
                    duplicates.get(0) + duplicates.get(1), altered.get(0) + altered.get(1), dropped[0] + dropped[1], streamSent.get(),
                    streamReceived.get(), streamMismatches.get(), rekeys, after.handshakesA, after.handshakesB);
            log.println("soak: alice " + a.metrics());
            log.println("soak: bob   " + b.metrics());
            up.close();
        } finally {
            stop = true;
            alice.destroy();
            bob.destroy();
        }
        return new Result(toArray(sent), toArray(received), toArray(duplicates), toArray(altered), dropped, streamSent.get(), streamReceived.get(),
                streamMismatches.get(), rekeys, failure.get());
    }

    private static long[] toArray(AtomicLongArray a) {
        return new long[] {a.get(0), a.get(1)};
    }

    private static byte[] hello() {
        return new byte[] {'h', 'i'};
    }

    private void sendLoop(PeerSession s, int dir, AtomicLongArray sent, long end) {
        long intervalNanos = 1_000_000_000L / MESSAGES_PER_SECOND;
        long next = System.nanoTime();
        try {
            while (!stop && System.nanoTime() < end) {
                byte[] m = expected(dir, sent.get(dir));
                s.send(m);
                sent.incrementAndGet(dir);
                next += intervalNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
        } catch (Exception e) {
            fail(e);
        }
    }

    /** The exact bytes of message {@code seq} in direction {@code dir}. */
    static byte[] expected(int dir, long seq) {
        byte[] m = new byte[MESSAGE_BYTES];
        new SplittableRandom(SEQ_SEED * 31 + dir * 1_000_003L + seq).nextBytes(m);
        ByteBuffer.wrap(m).putLong(seq);
        return m;
    }

    private void receiveLoop(PeerSession s, int dir, AtomicLongArray received, AtomicLongArray duplicates, AtomicLongArray altered, AtomicLongArray sent) {
        java.util.BitSet seen = new java.util.BitSet();
        try {
            while (true) {
                byte[] m = s.receive(Duration.ofMillis(200));
                if (m == null) {
                    if (stop && received.get(dir) >= sent.get(dir)) {
                        return;
                    }
                    continue;
                }
                long seq = m.length >= Long.BYTES ? ByteBuffer.wrap(m).getLong() : -1;
                if (seq < 0 || seq > Integer.MAX_VALUE || !java.util.Arrays.equals(m, expected(dir, seq))) {
                    altered.incrementAndGet(dir);
                    continue;
                }
                if (seen.get((int) seq)) {
                    duplicates.incrementAndGet(dir);
                    continue;
                }
                seen.set((int) seq);
                received.incrementAndGet(dir);
            }
        } catch (Exception e) {
            if (!stop) {
                fail(e);
            }
        }
    }

    /** Stream byte {@code i}: a pattern any shift, loss or duplication breaks. */
    static byte streamByte(long i) {
        return (byte) (i * 0x9E3779B1L >>> 24 ^ i >>> 16);
    }

    private void streamWriter(Mp2pStream up, AtomicLong written, long end) {
        byte[] chunk = new byte[STREAM_CHUNK];
        long intervalNanos = 1_000_000_000L * STREAM_CHUNK / STREAM_BYTES_PER_SECOND;
        long next = System.nanoTime();
        try {
            while (!stop && System.nanoTime() < end) {
                long base = written.get();
                for (int i = 0; i < chunk.length; i++) {
                    chunk[i] = streamByte(base + i);
                }
                up.write(chunk, 0, chunk.length);
                written.addAndGet(chunk.length);
                next += intervalNanos;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            up.shutdownOutput();
        } catch (Exception e) {
            fail(e);
        }
    }

    private void streamReader(StreamListener listener, AtomicLong read, AtomicLong mismatches) {
        byte[] buf = new byte[STREAM_CHUNK * 4];
        try (Mp2pStream s = listener.accept(WAIT)) {
            for (int n; (n = s.read(buf, 0, buf.length, Duration.ZERO)) >= 0; ) {
                long base = read.get();
                for (int i = 0; i < n; i++) {
                    if (buf[i] != streamByte(base + i)) {
                        mismatches.incrementAndGet();
                    }
                }
                read.addAndGet(n);
            }
        } catch (Exception e) {
            fail(e);
        }
    }

    private void fail(Throwable t) {
        if (failure.compareAndSet(null, t)) {
            log.println("soak: FAILURE " + t);
            t.printStackTrace(log);
        }
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Heap after a GC, live threads, open file descriptors, handshakes completed on each side. */
    record Sample(double seconds, double heapMiB, int threads, long fds, long handshakesA, long handshakesB) {
        static Sample take(SecureMulticastChannel a, SecureMulticastChannel b, long start) {
            System.gc();
            Runtime rt = Runtime.getRuntime();
            double heap = (rt.totalMemory() - rt.freeMemory()) / MIB;
            int threads = ManagementFactory.getThreadMXBean().getThreadCount();
            long fds;
            try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
                fds = s.count();
            } catch (IOException e) {
                fds = -1;
            }
            return new Sample((System.nanoTime() - start) / 1e9, heap, threads, fds, a.metrics().handshakesCompleted(),
                    b.metrics().handshakesCompleted());
        }

        @Override
        public String toString() {
            return String.format("heap %.1f MiB, threads %d, fds %d, handshakes a %d b %d", heapMiB, threads, fds,
                    handshakesA, handshakesB);
        }
    }
}
