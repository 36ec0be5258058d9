package io.mp2p.address;

import java.net.InetAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.mp2p.identity.PeerKey;

/**
 * Which derived groups a node listens on and sends to at a given time (spec/ADDRESSING.md §4): with
 * rotation (the default), a listener joins the groups of the current epoch and the two adjacent ones,
 * and a sender tries the current epoch's group first and the adjacent ones on handshake retries; a
 * static schedule always uses the one group derived from the key alone. Pure: the time is an argument.
 *
 * <pre>{@code
 * GroupSchedule s = GroupSchedule.rotating(StandardProtocolFamily.INET6, Ipv6Scope.SITE);
 * List<InetAddress> join = s.listenGroups(myKey, Instant.now());        // 3 groups, current first
 * InetAddress to = s.sendGroup(peerKey, Instant.now(), attempt);        // attempt 1, 2, 3, ...
 * }</pre>
 */
public final class GroupSchedule {
    /**
     * Epoch offsets from the current one: the listener's window, in this order (the current epoch
     * first, so that it is the node's reply address), and the sender's cycle over attempts 1, 2, 3, 4, ...
     */
    private static final long[] OFFSETS = {0, -1, 1};

    private final boolean ipv6;
    private final Ipv6Scope scope;
    private final boolean rotating;

    private GroupSchedule(ProtocolFamily family, Ipv6Scope scope, boolean rotating) {
        Objects.requireNonNull(family, "family");
        if (family != StandardProtocolFamily.INET && family != StandardProtocolFamily.INET6) {
            throw new IllegalArgumentException("groups are IPv4 or IPv6, not " + family);
        }
        this.ipv6 = family == StandardProtocolFamily.INET6;
        this.scope = Objects.requireNonNull(scope, "scope");
        this.rotating = rotating;
    }

    /** Groups that change every UTC day (the default). {@code scope} applies to IPv6 only. */
    public static GroupSchedule rotating(ProtocolFamily family, Ipv6Scope scope) {
        return new GroupSchedule(family, scope, true);
    }

    /** The one group derived from the key alone, for networks that route one configured group. */
    public static GroupSchedule fixed(ProtocolFamily family, Ipv6Scope scope) {
        return new GroupSchedule(family, scope, false);
    }

    /** {@link #rotating} when {@code rotating}, else {@link #fixed}. */
    public static GroupSchedule of(ProtocolFamily family, Ipv6Scope scope, boolean rotating) {
        return new GroupSchedule(family, scope, rotating);
    }

    /** Whether the groups change with the epoch. */
    public boolean rotates() {
        return rotating;
    }

    /** The IPv6 scope of the groups (ignored for IPv4). */
    public Ipv6Scope scope() {
        return scope;
    }

    /** The IP family of the groups. */
    public ProtocolFamily family() {
        return ipv6 ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    /** The key's group in {@code epoch}; a static schedule ignores the epoch. */
    public InetAddress group(PeerKey key, GroupEpoch epoch) {
        if (!rotating) {
            return ipv6 ? GroupAddresses.ipv6(key, scope) : GroupAddresses.ipv4(key);
        }
        return ipv6 ? GroupAddresses.ipv6(key, scope, epoch) : GroupAddresses.ipv4(key, epoch);
    }

    /** The key's group at {@code now}: where its node says it listens (reply address, node record, {@code mp2p id}). */
    public InetAddress currentGroup(PeerKey key, Instant now) {
        return group(key, GroupEpoch.of(now));
    }

    /**
     * The groups a listener with {@code key} joins at {@code now}: its current group first, then the
     * previous and the next epoch's (distinct; one group when static).
     */
    public List<InetAddress> listenGroups(PeerKey key, Instant now) {
        if (!rotating) {
            return List.of(group(key, null));
        }
        GroupEpoch current = GroupEpoch.of(now);
        List<InetAddress> groups = new ArrayList<>(OFFSETS.length);
        for (long offset : OFFSETS) {
            InetAddress g = group(key, current.plus(offset));
            // Two epochs of one key may share an IPv4 group (1 in 261,888): join it once.
            if (!groups.contains(g)) {
                groups.add(g);
            }
        }
        return List.copyOf(groups);
    }

    /**
     * Where a sender sends handshake attempt {@code attempt} (1 = the first initiation) to the node with
     * {@code key} at {@code now}: the current epoch's group, then the previous, then the next, and so on
     * in turn. Reaches a listener whose clock is up to two epochs off (its window covers one more).
     *
     * @throws IllegalArgumentException when {@code attempt < 1}
     */
    public InetAddress sendGroup(PeerKey key, Instant now, int attempt) {
        return group(key, GroupEpoch.of(now).plus(epochOffset(attempt)));
    }

    /** The epoch offset a sender uses on {@code attempt}: 0, -1, +1, 0, -1, +1, ... */
    public static long epochOffset(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempts count from 1, got " + attempt);
        }
        return OFFSETS[(attempt - 1) % OFFSETS.length];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GroupSchedule g && g.ipv6 == ipv6 && g.scope == scope && g.rotating == rotating;
    }

    @Override
    public int hashCode() {
        return Objects.hash(ipv6, scope, rotating);
    }

    /** E.g. {@code IPv6 site (5), rotating daily}. */
    @Override
    public String toString() {
        return (ipv6 ? "IPv6 " + scope : "IPv4") + (rotating ? ", rotating daily" : ", static");
    }
}
