package io.mp2p.engine;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.mp2p.crypto.RandomSource;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;

/**
 * A deterministic in-memory network for engine tests: a virtual clock, a seeded random source, and
 * links that lose, duplicate, reorder, delay and corrupt datagrams. Each node owns a multicast group
 * (where its peers send) and a unicast address (its packets' source, where cookie replies go). A
 * datagram to a group reaches every node that owns it, as multicast does.
 */
final class SimNetwork {
    /** What a link does to the datagrams crossing it. Probabilities in [0, 1]. */
    record LinkProfile(double loss, double duplicate, double reorder, long delayNanos, long reorderDelayNanos,
                       double corrupt) {
        static final LinkProfile PERFECT = new LinkProfile(0, 0, 0, TimeUnit.MILLISECONDS.toNanos(1), 0, 0);

        static LinkProfile lossy(double loss, double duplicate, double reorder) {
            return new LinkProfile(loss, duplicate, reorder, TimeUnit.MILLISECONDS.toNanos(1),
                    TimeUnit.MILLISECONDS.toNanos(20), 0);
        }
    }

    /** One engine on the network and what it reported. */
    final class Node {
        final String name;
        final Mp2pIdentity identity;
        final InetSocketAddress group;
        final InetSocketAddress unicast;
        final Endpoint engine;
        final List<EngineEvent> events = new ArrayList<>();
        long wallOffsetNanos;

        Node(String name, Mp2pIdentity identity, InetSocketAddress group, InetSocketAddress unicast,
             EngineConfig.Builder config) {
            this.name = name;
            this.identity = identity;
            this.group = group;
            this.unicast = unicast;
            this.engine = new Endpoint(config.build());
        }

        PeerKey key() {
            return identity.publicKey();
        }

        List<byte[]> messagesFrom(Node other) {
            List<byte[]> out = new ArrayList<>();
            for (EngineEvent e : events) {
                if (e instanceof EngineEvent.MessageReceived m && m.peer().equals(other.key())) {
                    out.add(m.message());
                }
            }
            return out;
        }

        <T extends EngineEvent> List<T> eventsOf(Class<T> type) {
            List<T> out = new ArrayList<>();
            for (EngineEvent e : events) {
                if (type.isInstance(e)) {
                    out.add(type.cast(e));
                }
            }
            return out;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private record InFlight(long at, long seq, InetSocketAddress from, InetSocketAddress to, byte[] data) {
    }

    /** Base of the simulated wall clock: 2026-01-01T00:00:00Z. */
    static final long WALL_EPOCH_NANOS = TimeUnit.SECONDS.toNanos(1_767_225_600L);

    final SplittableRandom random;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<InetSocketAddress, List<Node>> owners = new HashMap<>();
    private final Map<String, LinkProfile> links = new HashMap<>();
    private final PriorityQueue<InFlight> inFlight = new PriorityQueue<>((a, b) ->
            a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private LinkProfile defaultLink = LinkProfile.PERFECT;
    private long seq;
    long now;
    long delivered;
    long sent;
    /** Sees every datagram put on the wire (before loss), for recording and replay tests. */
    Consumer<byte[]> tap = d -> { };

    SimNetwork(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** A random source for an engine, deterministic from the network's seed. */
    RandomSource randomSource() {
        SplittableRandom r = random.split();
        return r::nextBytes;
    }

    Mp2pIdentity newIdentity() {
        return io.mp2p.TestIdentities.seeded(random);
    }

    Node addNode(String name) {
        return addNode(name, newIdentity(), b -> { });
    }

    Node addNode(String name, Mp2pIdentity identity, Consumer<EngineConfig.Builder> customize) {
        int i = nodes.size() + 1;
        InetSocketAddress group = new InetSocketAddress(addr(new byte[] {(byte) 239, (byte) 192, (byte) (i / 256 % 255),
                (byte) (i % 256)}), 41414);
        return addNode(name, identity, group, customize);
    }

    /** A node listening on {@code group}, which other nodes may share. */
    Node addNode(String name, Mp2pIdentity identity, InetSocketAddress group, Consumer<EngineConfig.Builder> customize) {
        int i = nodes.size() + 1;
        InetSocketAddress unicast = new InetSocketAddress(addr(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8),
                (byte) i}), 50000);
        Node[] self = new Node[1];
        EngineConfig.Builder b = EngineConfig.builder(identity)
                .replyAddress(group)
                .peerLocator(this::groupOf)
                .random(randomSource())
                .wallClock(() -> WALL_EPOCH_NANOS + now + self[0].wallOffsetNanos);
        customize.accept(b);
        Node n = new Node(name, identity, group, unicast, b);
        self[0] = n;
        nodes.add(n);
        owners.computeIfAbsent(group, k -> new ArrayList<>()).add(n);
        owners.computeIfAbsent(unicast, k -> new ArrayList<>()).add(n);
        return n;
    }

    private final Map<PeerKey, InetSocketAddress> groups = new HashMap<>();

    private InetSocketAddress groupOf(PeerKey key) {
        for (Node n : nodes) {
            if (n.key().equals(key)) {
                return n.group;
            }
        }
        // An unknown key: a group where nobody listens.
        return groups.computeIfAbsent(key, k -> new InetSocketAddress(addr(new byte[] {(byte) 239, 9, 9, 9}), 41414));
    }

    static InetAddress addr(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    void setDefaultLink(LinkProfile p) {
        defaultLink = p;
    }

    void setLink(Node from, Node to, LinkProfile p) {
        links.put(from.name + ">" + to.name, p);
    }

    /** Puts a datagram on the wire from {@code from} (a unicast source) to {@code to}, as an attacker could. */
    void inject(InetSocketAddress from, InetSocketAddress to, byte[] data) {
        List<Node> dst = owners.get(to);
        if (dst == null) {
            return;
        }
        for (Node d : dst) {
            d.engine.handleDatagram(data, 0, data.length, from, now);
        }
    }

    /**
     * Puts a datagram on the wire at virtual time {@code at} (not before now), as an attacker pacing
     * its packets could; delivered in time order with the honest traffic.
     */
    void injectAt(long at, InetSocketAddress from, InetSocketAddress to, byte[] data) {
        inFlight.add(new InFlight(Math.max(at, now), seq++, from, to, data));
    }

    /** Moves every node's output onto the wire. */
    private void collect() {
        for (Node n : nodes) {
            for (Transmit t; (t = n.engine.pollTransmit()) != null; ) {
                byte[] data = java.util.Arrays.copyOf(t.data(), t.length());
                sent++;
                tap.accept(data);
                List<Node> dst = owners.get(t.destination());
                if (dst == null) {
                    continue;
                }
                for (Node d : dst) {
                    if (d == n) {
                        continue;
                    }
                    route(n, d, data);
                }
            }
            for (EngineEvent e; (e = n.engine.pollEvent()) != null; ) {
                n.events.add(e);
            }
        }
    }

    private void route(Node from, Node to, byte[] data) {
        LinkProfile p = links.getOrDefault(from.name + ">" + to.name, defaultLink);
        if (random.nextDouble() < p.loss()) {
            return;
        }
        int copies = random.nextDouble() < p.duplicate() ? 2 : 1;
        for (int c = 0; c < copies; c++) {
            byte[] d = data;
            if (random.nextDouble() < p.corrupt()) {
                d = data.clone();
                int bit = random.nextInt(d.length * 8);
                d[bit / 8] ^= (byte) (1 << (bit % 8));
            }
            long delay = p.delayNanos();
            if (random.nextDouble() < p.reorder()) {
                delay += random.nextLong(p.reorderDelayNanos() + 1);
            }
            inFlight.add(new InFlight(now + delay, seq++, from.unicast, to.group, d));
        }
    }

    /** Runs the network until {@code until} (virtual nanoseconds), delivering and ticking in time order. */
    void runUntil(long until) {
        while (true) {
            collect();
            long next = until;
            for (Node n : nodes) {
                long d = n.engine.nextDeadline();
                if (d != Constants.NO_DEADLINE && d - next < 0) {
                    next = d;
                }
            }
            InFlight f = inFlight.peek();
            if (f != null && f.at - next <= 0) {
                inFlight.poll();
                now = Math.max(now, f.at);
                List<Node> dst = owners.getOrDefault(f.to, List.of());
                for (Node d : dst) {
                    if (d.unicast.equals(f.from)) {
                        continue;
                    }
                    delivered++;
                    d.engine.handleDatagram(f.data, 0, f.data.length, f.from, now);
                }
                continue;
            }
            if (next - until >= 0) {
                now = Math.max(now, until);
                for (Node n : nodes) {
                    n.engine.tick(now);
                }
                collect();
                return;
            }
            now = Math.max(now, next);
            for (Node n : nodes) {
                long d = n.engine.nextDeadline();
                if (d != Constants.NO_DEADLINE && now - d >= 0) {
                    n.engine.tick(now);
                }
            }
        }
    }

    /** Runs for {@code nanos} more. */
    void run(long nanos) {
        runUntil(now + nanos);
    }

    /** Runs until no datagram is in flight (timers due meanwhile fire), at most {@code limit}. */
    void settle(long limit) {
        long end = now + limit;
        while (now - end < 0) {
            collect();
            InFlight f = inFlight.peek();
            if (f == null) {
                return;
            }
            runUntil(Math.min(f.at, end));
        }
    }

    int inFlightCount() {
        return inFlight.size();
    }

    static long seconds(double s) {
        return (long) (s * 1e9);
    }
}
