package io.mp2p.cli.bench;

/** A contender's delivered rate and loss at one message size, summed over its slices. */
final class Throughput {
    private final int size;
    private long sent;
    private long delivered;
    private long nanos;

    Throughput(int size) {
        this.size = size;
    }

    void add(Slice s) {
        sent += s.sent();
        delivered += s.delivered();
        nanos += s.nanos();
    }

    int size() {
        return size;
    }

    long sent() {
        return sent;
    }

    long delivered() {
        return delivered;
    }

    /** Messages delivered per second; NaN before any slice ran. */
    double messagesPerSecond() {
        return nanos == 0 ? Double.NaN : delivered / (nanos / 1e9);
    }

    /** Payload delivered, in 10^6 bytes per second. */
    double megabytesPerSecond() {
        return messagesPerSecond() * size / 1e6;
    }

    /** The fraction of sent messages that never arrived; NaN before anything was sent. */
    double loss() {
        return sent == 0 ? Double.NaN : (double) (sent - delivered) / sent;
    }
}
