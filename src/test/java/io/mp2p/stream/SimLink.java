package io.mp2p.stream;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * One direction of a simulated path: a bottleneck of fixed rate with a drop-tail queue, then a
 * propagation delay, with random loss, duplication and reordering (extra delay for some packets).
 * Deterministic from its seed. Cheap by design: a packet costs one copy and a few arithmetic steps.
 */
final class SimLink {
    /** What the link does. Rates in bytes per second (0: unlimited), times in nanoseconds, probabilities in [0, 1]. */
    record Profile(long bytesPerSecond, long delay, long queueBytes, double loss, double duplicate,
                   double reorder, long reorderDelay) {
        /** A 10 Mbit/s path with 10 ms one-way delay and a queue of one bandwidth-delay product (RTT 20 ms). */
        static Profile tenMbit(double loss) {
            return of(10, 10, loss);
        }

        /** A path of {@code mbit} Mbit/s, {@code oneWayMillis} ms each way, a queue of one bandwidth-delay product. */
        static Profile of(long mbit, long oneWayMillis, double loss) {
            long rate = mbit * 1_000_000 / 8;
            long delay = TimeUnit.MILLISECONDS.toNanos(oneWayMillis);
            return new Profile(rate, delay, rate * 2 * delay / TimeUnit.SECONDS.toNanos(1), loss, 0, 0, 0);
        }

        Profile withReorder(double p, long extra) {
            return new Profile(bytesPerSecond, delay, queueBytes, loss, duplicate, p, extra);
        }

        Profile withDuplicate(double p) {
            return new Profile(bytesPerSecond, delay, queueBytes, loss, p, reorder, reorderDelay);
        }

        Profile withLoss(double p) {
            return new Profile(bytesPerSecond, delay, queueBytes, p, duplicate, reorder, reorderDelay);
        }
    }

    /** Receives packets that come out of the link. */
    interface Sink {
        void schedule(long at, byte[] packet);
    }

    private final SplittableRandom random;
    private final Sink sink;
    Profile profile;
    /** Drops every packet it matches, before anything else (a test's targeted loss). */
    Predicate<byte[]> dropIf = p -> false;
    /** Drops everything: the far end vanished. */
    boolean down;
    private long busyUntil;
    long sent;
    long randomLosses;
    long queueDrops;
    long targetedDrops;

    SimLink(Profile profile, long seed, Sink sink) {
        this.profile = profile;
        this.random = new SplittableRandom(seed);
        this.sink = sink;
    }

    void send(byte[] packet, long now) {
        sent++;
        if (down) {
            return;
        }
        if (dropIf.test(packet)) {
            targetedDrops++;
            return;
        }
        if (random.nextDouble() < profile.loss()) {
            randomLosses++;
            return;
        }
        long departure = now;
        if (profile.bytesPerSecond() > 0) {
            long start = Math.max(now, busyUntil);
            long queued = (start - now) * profile.bytesPerSecond() / TimeUnit.SECONDS.toNanos(1);
            if (queued + packet.length > profile.queueBytes()) {
                queueDrops++;
                return;
            }
            busyUntil = start + packet.length * TimeUnit.SECONDS.toNanos(1) / profile.bytesPerSecond();
            departure = busyUntil;
        }
        long arrival = departure + profile.delay();
        if (random.nextDouble() < profile.reorder()) {
            arrival += 1 + random.nextLong(Math.max(1, profile.reorderDelay()));
        }
        sink.schedule(arrival, packet);
        if (random.nextDouble() < profile.duplicate()) {
            sink.schedule(arrival + 1 + random.nextLong(Math.max(1, profile.delay())), packet.clone());
        }
    }
}
