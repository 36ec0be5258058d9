package io.mp2p.portmap;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one UDP port mapping alive (spec/PORTMAP.md §3): made at {@link #start}, renewed when half
 * of its lifetime has passed (RFC 6886 §3.3, RFC 6887 §11.2.1), deleted and its client closed on
 * {@link #close()}. A renewal that fails is tried again at half of what remains.
 *
 * <pre>{@code
 * try (PortMapKeeper k = PortMapKeeper.start(PortMapClient.open(gateway), 41415, 7200, m -> republish(m))) {
 *     publish(k.current().external());
 * }
 * }</pre>
 */
public final class PortMapKeeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PortMapKeeper.class);
    /** The soonest a renewal is tried again after a failure, so that a dead gateway is not hammered. */
    static final long MIN_RETRY_MILLIS = 1_000;
    private static final long MILLIS_PER_SECOND = 1_000;

    private final PortMapClient client;
    private final int internalPort;
    private final long lifetimeSeconds;
    private final Consumer<PortMapping> onChange;
    private final ScheduledExecutorService timer;
    private volatile PortMapping current;
    private long expiresAtMillis;
    private boolean closed;

    private PortMapKeeper(PortMapClient client, int internalPort, long lifetimeSeconds, Consumer<PortMapping> onChange) {
        this.client = client;
        this.internalPort = internalPort;
        this.lifetimeSeconds = lifetimeSeconds;
        this.onChange = onChange;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mp2p-portmap-" + internalPort);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Maps {@code internalPort} now (throwing if the gateway will not) and keeps it mapped; the keeper
     * owns {@code client}. {@code onChange} hears of a renewal that changed the external endpoint.
     */
    public static PortMapKeeper start(PortMapClient client, int internalPort, long lifetimeSeconds,
                                      Consumer<PortMapping> onChange) throws PortMapException {
        PortMapKeeper k = new PortMapKeeper(client, internalPort, lifetimeSeconds, onChange);
        try {
            k.granted(client.map(internalPort, lifetimeSeconds));
        } catch (PortMapException | RuntimeException e) {
            k.timer.shutdownNow();
            client.close();
            throw e;
        }
        return k;
    }

    /** The mapping as last granted. */
    public PortMapping current() {
        return current;
    }

    /**
     * When the next renewal is due, in milliseconds from when {@code m} was granted: half its lifetime;
     * for a UPnP-IGD lease of 0 ("permanent", IGDv1), half of what was asked, so that a router that
     * rebooted and forgot it gets it again.
     */
    static long renewAfterMillis(PortMapping m, long requestedSeconds) {
        long lifetime = m.lifetimeSeconds() == 0 ? requestedSeconds : m.lifetimeSeconds();
        return Math.max(MIN_RETRY_MILLIS, lifetime * MILLIS_PER_SECOND / 2);
    }

    private synchronized void granted(PortMapping m) {
        PortMapping before = current;
        current = m;
        expiresAtMillis = System.currentTimeMillis() + (m.lifetimeSeconds() == 0 ? lifetimeSeconds : m.lifetimeSeconds())
                * MILLIS_PER_SECOND;
        if (before != null && !java.util.Objects.equals(before.external(), m.external()) && onChange != null) {
            onChange.accept(m);
        }
        timer.schedule(this::renew, renewAfterMillis(m, lifetimeSeconds), TimeUnit.MILLISECONDS);
    }

    private void renew() {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        try {
            granted(client.map(internalPort, lifetimeSeconds));
        } catch (PortMapException e) {
            long left;
            synchronized (this) {
                left = expiresAtMillis - System.currentTimeMillis();
            }
            LOG.warn("renewing the port mapping of {} failed ({}); {} ms of it left", internalPort, e.getMessage(), left);
            timer.schedule(this::renew, Math.max(MIN_RETRY_MILLIS, left / 2), TimeUnit.MILLISECONDS);
        }
    }

    /** Deletes the mapping (best effort) and closes the client. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        timer.shutdownNow();
        try {
            timer.awaitTermination(PortMapClient.GIVE_UP_MILLIS + PortMapClient.UPNP_GIVE_UP_MILLIS, TimeUnit.MILLISECONDS);
            client.unmap(current);
        } catch (PortMapException e) {
            LOG.warn("deleting the port mapping of {} failed: {}", internalPort, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            client.close();
        }
    }
}
