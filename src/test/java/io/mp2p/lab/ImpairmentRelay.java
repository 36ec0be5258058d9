package io.mp2p.lab;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A multicast relay that impairs what it carries, for the lab: it runs in a router namespace with
 * no kernel multicast routing, receives the datagrams sent to the given groups on one side and
 * sends them to the same group and port on the other side, each after a delay with jitter; some are
 * held back long enough for later ones to overtake them (reordering), some are sent twice
 * (duplication). Every choice comes from one seeded generator. It stops at the end of its standard
 * input and prints what it did as one line ({@link Stats}).
 *
 * <pre>
 * java -cp ... io.mp2p.lab.ImpairmentRelay a0 b0 41414 SEED DELAY_MS JITTER_MS REORDER DUPLICATE \
 *     GROUPS_FROM_A GROUPS_FROM_B          (groups comma-separated)
 * </pre>
 *
 * <p>A relay, not netem: this kernel has no netem qdisc ({@code tc qdisc add ... netem} answers
 * "Specified qdisc kind is unknown").
 */
public final class ImpairmentRelay {
    /** A reordered datagram waits this many times the largest jitter more than the others. */
    static final int HOLD_FACTOR = 3;
    private static final int MAX_DATAGRAM = 65_535;
    private static final int ARGS = 10;

    /** What the relay did. */
    record Stats(long received, long sent, long duplicated, long heldBack, long outOfOrder, double minDelayMs,
                 double meanDelayMs, double maxDelayMs) {
        String line(long seed) {
            return String.format(Locale.ROOT, "relay: received %d, sent %d, duplicated %d, held back %d, sent out of"
                    + " order %d, delay ms min/mean/max %.1f/%.1f/%.1f, seed %d", received, sent, duplicated, heldBack,
                    outOfOrder, minDelayMs, meanDelayMs, maxDelayMs, seed);
        }
    }

    /** One datagram copy waiting for its time. */
    private record Pending(long due, long arrival, long order, ByteBuffer data, InetSocketAddress to, DatagramChannel out) {
    }

    private final SplittableRandom random;
    private final long delayNanos;
    private final long jitterNanos;
    private final double reorder;
    private final double duplicate;
    private final PriorityQueue<Pending> queue = new PriorityQueue<>((x, y) -> x.due() != y.due()
            ? Long.compare(x.due(), y.due()) : Long.compare(x.order(), y.order()));
    private long received;
    private long sent;
    private long duplicated;
    private long heldBack;
    private long outOfOrder;
    private long lastArrivalSent = -1;
    private long delaySumNanos;
    private long minDelayNanos = Long.MAX_VALUE;
    private long maxDelayNanos;

    ImpairmentRelay(long seed, double delayMs, double jitterMs, double reorder, double duplicate) {
        this.random = new SplittableRandom(seed);
        this.delayNanos = (long) (delayMs * 1e6);
        this.jitterNanos = (long) (jitterMs * 1e6);
        this.reorder = reorder;
        this.duplicate = duplicate;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != ARGS) {
            System.err.println("usage: ImpairmentRelay IF_A IF_B PORT SEED DELAY_MS JITTER_MS REORDER DUPLICATE"
                    + " GROUPS_FROM_A GROUPS_FROM_B");
            System.exit(2);
        }
        NetworkInterface ifA = NetworkInterface.getByName(args[0]);
        NetworkInterface ifB = NetworkInterface.getByName(args[1]);
        int port = Integer.parseInt(args[2]);
        long seed = Long.parseLong(args[3]);
        ImpairmentRelay relay = new ImpairmentRelay(seed, Double.parseDouble(args[4]), Double.parseDouble(args[5]),
                Double.parseDouble(args[6]), Double.parseDouble(args[7]));
        AtomicBoolean stop = new AtomicBoolean();
        try (Selector selector = Selector.open()) {
            Map<DatagramChannel, DatagramChannel> route = new HashMap<>();
            List<DatagramChannel> all = new ArrayList<>();
            DatagramChannel toB = sender(ifB);
            DatagramChannel toA = sender(ifA);
            all.add(toA);
            all.add(toB);
            for (String g : args[8].split(",")) {
                DatagramChannel rx = receiver(InetAddress.getByName(g), port, ifA, selector);
                route.put(rx, toB);
                all.add(rx);
            }
            for (String g : args[9].split(",")) {
                DatagramChannel rx = receiver(InetAddress.getByName(g), port, ifB, selector);
                route.put(rx, toA);
                all.add(rx);
            }
            Thread stdin = new Thread(() -> {
                try (InputStream in = System.in) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                } catch (IOException e) {
                    // Input gone: stop all the same.
                }
                stop.set(true);
                selector.wakeup();
            }, "relay-stdin");
            stdin.setDaemon(true);
            stdin.start();
            System.out.println("relay: ready, " + args[0] + " <-> " + args[1] + " port " + port);
            System.out.flush();
            relay.loop(selector, route, port, stop);
            System.out.println(relay.stats().line(seed));
            System.out.flush();
            for (DatagramChannel c : all) {
                c.close();
            }
        }
    }

    private static DatagramChannel sender(NetworkInterface nif) throws IOException {
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
        ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 1);
        // Our own copies must not come back to our receivers.
        ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, false);
        InetAddress local = Collections.list(nif.getInetAddresses()).stream().filter(a -> a instanceof Inet4Address)
                .findFirst().orElseThrow(() -> new IOException(nif.getName() + " has no IPv4 address"));
        ch.bind(new InetSocketAddress(local, 0));
        return ch;
    }

    /** A socket bound to the group itself, so that it gets that group only, joined on {@code nif}. */
    private static DatagramChannel receiver(InetAddress group, int port, NetworkInterface nif, Selector selector)
            throws IOException {
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        ch.bind(new InetSocketAddress(group, port));
        ch.join(group, nif);
        ch.configureBlocking(false);
        ch.register(selector, SelectionKey.OP_READ);
        return ch;
    }

    private void loop(Selector selector, Map<DatagramChannel, DatagramChannel> route, int port, AtomicBoolean stop)
            throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM);
        while (!stop.get()) {
            Pending next = queue.peek();
            long waitNanos = next == null ? TimeUnit.SECONDS.toNanos(1) : next.due() - System.nanoTime();
            if (waitNanos > 0) {
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)));
            } else {
                selector.selectNow();
            }
            for (SelectionKey k : selector.selectedKeys()) {
                DatagramChannel rx = (DatagramChannel) k.channel();
                for (InetSocketAddress from; (from = (InetSocketAddress) rx.receive(buf.clear())) != null; ) {
                    buf.flip();
                    InetSocketAddress to = new InetSocketAddress(((InetSocketAddress) rx.getLocalAddress()).getAddress(),
                            port);
                    accept(buf, to, route.get(rx));
                }
            }
            selector.selectedKeys().clear();
            long now = System.nanoTime();
            while (!queue.isEmpty() && queue.peek().due() - now <= 0) {
                Pending p = queue.poll();
                p.out().send(p.data(), p.to());
                sent++;
                long d = now - p.arrival();
                delaySumNanos += d;
                minDelayNanos = Math.min(minDelayNanos, d);
                maxDelayNanos = Math.max(maxDelayNanos, d);
                long arrivalOrder = p.order() >> 1;
                if (arrivalOrder < lastArrivalSent) {
                    outOfOrder++;
                }
                lastArrivalSent = Math.max(lastArrivalSent, arrivalOrder);
            }
        }
    }

    /** Schedules the copies of one received datagram: one, or two when duplicated; held back when reordered. */
    void accept(ByteBuffer data, InetSocketAddress to, DatagramChannel out) {
        long now = System.nanoTime();
        long arrival = received++;
        int copies = random.nextDouble() < duplicate ? 2 : 1;
        if (copies == 2) {
            duplicated++;
        }
        for (int c = 0; c < copies; c++) {
            long d = delayNanos + (jitterNanos == 0 ? 0 : random.nextLong(-jitterNanos, jitterNanos + 1));
            if (random.nextDouble() < reorder) {
                d += HOLD_FACTOR * Math.max(jitterNanos, delayNanos);
                heldBack++;
            }
            ByteBuffer copy = ByteBuffer.allocate(data.remaining());
            copy.put(data.duplicate()).flip();
            // The order keeps the arrival number (high bits) and the copy (low bit).
            queue.add(new Pending(now + Math.max(0, d), now, (arrival << 1) | c, copy, to, out));
        }
    }

    Stats stats() {
        return new Stats(received, sent, duplicated, heldBack, outOfOrder,
                sent == 0 ? 0 : minDelayNanos / 1e6, sent == 0 ? 0 : delaySumNanos / 1e6 / sent, maxDelayNanos / 1e6);
    }
}
