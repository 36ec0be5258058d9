package io.mp2p.portmap;

/**
 * One UPnP-IGD attempt's time budget ({@link UpnpIgdClient#GIVE_UP_MILLIS}): every wait (SSDP answer,
 * TCP connect, each read) is cut to what is left, so the attempt as a whole cannot hang.
 */
final class Deadline {
    private static final long NANOS_PER_MILLI = 1_000_000L;
    private final long endNanos;

    private Deadline(long endNanos) {
        this.endNanos = endNanos;
    }

    static Deadline in(long millis) {
        return new Deadline(System.nanoTime() + millis * NANOS_PER_MILLI);
    }

    /** Milliseconds left, at least 1 while any is left (a socket timeout of 0 would mean "forever"); 0 once over. */
    int leftMillis() {
        long left = (endNanos - System.nanoTime()) / NANOS_PER_MILLI;
        return left <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, Math.max(1, left));
    }

    /** The time left, or a {@code NO_RESPONSE} naming {@code what} was awaited once none is. */
    int require(String what) throws PortMapException {
        int left = leftMillis();
        if (left == 0) {
            throw new PortMapException(PortMapException.Reason.NO_RESPONSE, "UPnP-IGD: no " + what + " within "
                    + UpnpIgdClient.GIVE_UP_MILLIS + " ms");
        }
        return left;
    }
}
