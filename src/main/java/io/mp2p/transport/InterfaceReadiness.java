package io.mp2p.transport;

import io.mp2p.IpFamily;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.function.Consumer;

import io.mp2p.address.GroupAddresses;

/**
 * Waits until a network interface can carry a channel: up, with an address of the wanted family
 * that the kernel lets a socket bind. A service started at boot, or right after a link came up,
 * otherwise fails with "Cannot assign requested address" while IPv6 duplicate address detection
 * runs (about a second), or finds no address at all before DHCP or SLAAC is done.
 *
 * <pre>{@code
 * InterfaceReadiness.await("eth0", IpFamily.IPV6, InterfaceReadiness.DEFAULT_MAX_WAIT,
 *         line -> System.err.println("mp2p: " + line));   // says once that it waits, if it must
 * SecureMulticastChannel channel = SecureMulticastChannel.open(identity, options);
 * }</pre>
 */
public final class InterfaceReadiness {
    /** How long a caller waits by default: far more than duplicate address detection or DHCP take. */
    public static final int DEFAULT_MAX_WAIT_SECONDS = 60;
    /** {@link #DEFAULT_MAX_WAIT_SECONDS} as a duration. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(DEFAULT_MAX_WAIT_SECONDS);
    /** How often the interface is looked at again while waiting. */
    static final Duration POLL = Duration.ofMillis(200);
    private static final long NANOS_PER_MILLI = 1_000_000L;

    /** Why an interface cannot carry a channel yet. */
    public enum NotReady {
        /** The interface is down. */
        DOWN,
        /** It has no address of the wanted family yet. */
        NO_ADDRESS,
        /** Its address is still under duplicate address detection. */
        TENTATIVE_ADDRESS,
        /** Duplicate address detection failed: waiting will not help. */
        DUPLICATE_ADDRESS
    }

    /** Why the interface is not ready, in words for the user. */
    record Status(NotReady reason, String detail) {
    }

    /** Looks at the interface once: null when ready. */
    @FunctionalInterface
    interface Probe {
        Status check() throws TransportException;
    }

    private InterfaceReadiness() {
    }

    /**
     * Returns once the interface named {@code name} is ready for {@code family}, waiting up to
     * {@code maxWait}. The first time it must wait, it tells {@code notice} once, why.
     *
     * @throws TransportException when there is no such interface, its address is a duplicate, or it
     *                            is still not ready after {@code maxWait} (saying what is missing)
     */
    public static void await(String name, IpFamily family, Duration maxWait, Consumer<String> notice)
            throws TransportException, InterruptedException {
        await(name, () -> status(name, family), maxWait, POLL, notice);
    }

    static void await(String name, Probe probe, Duration maxWait, Duration poll, Consumer<String> notice)
            throws TransportException, InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        boolean told = false;
        while (true) {
            Status s = probe.check();
            if (s == null) {
                return;
            }
            if (s.reason() == NotReady.DUPLICATE_ADDRESS) {
                throw new TransportException("network interface " + name + " cannot be used: " + s.detail());
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new TransportException("network interface " + name + " is still not ready after "
                        + maxWait.toSeconds() + " s: " + s.detail());
            }
            if (!told) {
                notice.accept("waiting for network interface " + name + ", up to " + maxWait.toSeconds() + " s: "
                        + s.detail());
                told = true;
            }
            Thread.sleep(Math.max(1, Math.min(poll.toMillis(), left / NANOS_PER_MILLI)));
        }
    }

    /** The interface's readiness now: null when ready. */
    static Status status(String name, IpFamily family) throws TransportException {
        try {
            NetworkInterface nif = NetworkInterface.getByName(name);
            if (nif == null) {
                // Most often a typo, not an interface yet to come: the selector's message lists those there are.
                InterfaceSelector.select(name, family);
                throw new TransportException("no network interface named '" + name + "'");
            }
            if (!nif.isUp()) {
                return new Status(NotReady.DOWN, "it is down");
            }
            Ipv6AddressStates states = family == IpFamily.IPV6 ? Ipv6AddressStates.read() : null;
            InetAddress a = InterfaceSelector.address(nif, family, states);
            if (a == null) {
                return new Status(NotReady.NO_ADDRESS, "it has no " + (family == IpFamily.IPV4 ? "IPv4" : "IPv6")
                        + " address yet");
            }
            return switch (states == null ? Ipv6AddressStates.State.USABLE : states.of(name, a)) {
                case USABLE -> null;
                case TENTATIVE -> new Status(NotReady.TENTATIVE_ADDRESS, "its address " + GroupAddresses.toText(a)
                        + " is still tentative (duplicate address detection)");
                case DUPLICATE -> new Status(NotReady.DUPLICATE_ADDRESS, "its address " + GroupAddresses.toText(a)
                        + " failed duplicate address detection: another host on the link"
                        + " uses it");
            };
        } catch (SocketException e) {
            throw new TransportException("cannot look at network interface " + name + ": " + e.getMessage(), e);
        }
    }
}
