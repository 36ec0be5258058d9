package io.mp2p.soak;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.mp2p.ChannelOptions;
import io.mp2p.DropReason;
import io.mp2p.EngineMetrics;
import io.mp2p.LoopbackPorts;
import io.mp2p.PeerSession;
import io.mp2p.SecureMulticastChannel;
import io.mp2p.cookie.Mac1;
import io.mp2p.engine.EngineConfig;
import io.mp2p.engine.Endpoint;
import io.mp2p.engine.Transmit;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.wire.CookieReply;
import io.mp2p.wire.HandshakeInitiation;
import io.mp2p.wire.HandshakeResponse;
import io.mp2p.wire.PacketType;

/**
 * Hostile traffic on real sockets (issue 14 item 2), loopback only ({@code lo}, TTL 0): a listener
 * channel receives {@code N} datagrams as fast as this machine sends them — garbage, truncated and
 * bit-flipped genuine packets, replays of a conversation captured off the wire, forged responses and
 * cookie replies, then a flood of initiations from many identities (genuine ones and ones with only
 * a valid mac1) — while a legitimate peer keeps its session and exchanges numbered messages both
 * ways. Prints heap and threads before and after, the delivered fraction, duplicates and altered
 * messages (both must be 0), the listener's drops by reason, and the Diffie-Hellman operations per
 * second it spent during the initiation flood.
 *
 * <p>{@code mvn -B test -Phostile} runs 1,000,000 datagrams ({@code -Dhostile.datagrams=N} to change);
 * {@link HostileTrafficTest} runs 50,000 in {@code mvn verify}.
 */
public final class HostileTraffic {
    /** Share of the datagrams that are the initiation flood (the rest is the mixed flood before it). */
    private static final double INITIATION_SHARE = 0.2;
    /** Identities the initiation flood speaks for with genuine initiations. */
    private static final int IDENTITIES = 128;
    /** Messages a second each way of the legitimate pair. */
    private static final int MESSAGES_PER_SECOND = 500;
    private static final int MESSAGE_BYTES = 100;
    private static final int CAPTURED_MESSAGES = 50;
    private static final int MAX_GARBAGE = 1500;
    private static final int MAX_FLIPS = 3;
    private static final int KINDS = 6;
    private static final int SOCKET_BUFFER = 4 << 20;
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration DRAIN = Duration.ofSeconds(3);
    private static final double MIB = 1024.0 * 1024.0;

    /** What a run measured. */
    public record Figures(long datagramsSent, double sendSeconds, long[] sent, long[] received, long duplicates,
                          long altered, long internalErrors, boolean listenerUp, boolean stillDelivers,
                          long dhDuringFlood, double floodSeconds, long cookieRepliesSent, EngineMetrics listener,
                          double heapBefore, double heapAfter, int threadsBefore, int threadsAfter,
                          Throwable failure) {
        double deliveredFraction(int dir) {
            return sent[dir] == 0 ? 1 : (double) received[dir] / sent[dir];
        }
    }

    private final PrintStream log;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean stop;

    public HostileTraffic(PrintStream log) {
        this.log = log;
    }

    public static void main(String[] args) throws Exception {
        long n = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
        Figures f = new HostileTraffic(System.out).run(n);
        boolean ok = f.failure() == null && f.duplicates() == 0 && f.altered() == 0 && f.internalErrors() == 0
                && f.listenerUp() && f.stillDelivers();
        System.out.println(ok ? "HOSTILE PASSED" : "HOSTILE FAILED");
        System.exit(ok ? 0 : 1);
    }

    public Figures run(long datagrams) throws Exception {
        Mp2pIdentity alice = Mp2pIdentity.generate();
        Mp2pIdentity bob = Mp2pIdentity.generate();
        int port = LoopbackPorts.free();
        NetworkInterface lo = NetworkInterface.getByName("lo");
        ChannelOptions.Builder opts = ChannelOptions.builder().networkInterface("lo").ttl(0).port(port).connectTimeout(WAIT);
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, opts.build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, opts.build());
             MulticastSocket captureB = listen(b.localGroup(), lo);
             MulticastSocket captureA = listen(a.localGroup(), lo);
             MulticastSocket attacker = new MulticastSocket(new InetSocketAddress("127.0.0.1", 0))) {
            attacker.setNetworkInterface(lo);
            attacker.setTimeToLive(0);
            attacker.setSendBufferSize(SOCKET_BUFFER);
            List<byte[]> captured = Collections.synchronizedList(new ArrayList<>());
            Thread capB = daemon("capture-b", () -> capture(captureB, captured));
            Thread capA = daemon("capture-a", () -> capture(captureA, captured));

            // The legitimate pair: a session and numbered messages both ways, all recorded off the wire.
            PeerSession toBob = a.connect(bob.publicKey());
            toBob.send(new byte[] {1});
            PeerSession toAlice = b.accept(WAIT);
            if (toAlice == null) {
                throw new IllegalStateException("the listener saw no session");
            }
            toAlice.receive(WAIT);
            Traffic traffic = new Traffic();
            for (int i = 0; i < CAPTURED_MESSAGES; i++) {
                toBob.send(new byte[MESSAGE_BYTES]);
                toAlice.send(new byte[MESSAGE_BYTES]);
            }
            for (int i = 0; i < CAPTURED_MESSAGES; i++) {
                toAlice.receive(WAIT);
                toBob.receive(WAIT);
            }
            Thread.sleep(DRAIN.toMillis());
            stop = true;
            captureA.close();
            captureB.close();
            capA.join();
            capB.join();
            stop = false;
            List<byte[]> genuine = new ArrayList<>(captured);
            log.printf("hostile: captured %d genuine datagrams of a real conversation%n", genuine.size());
            List<byte[]> initiations = initiations(bob, b.localGroup());

            System.gc();
            double heapBefore = heapMiB();
            int threadsBefore = threadCount();
            EngineMetrics m0 = b.metrics();
            log.printf("hostile: before: listener heap %.1f MiB, threads %d; %s%n", heapBefore, threadsBefore, m0);
            List<Thread> workers = new ArrayList<>();
            workers.add(daemon("legit-a", () -> traffic.send(toBob, 0)));
            workers.add(daemon("legit-b", () -> traffic.send(toAlice, 1)));
            workers.add(daemon("legit-recv-b", () -> traffic.receive(toAlice, 0)));
            workers.add(daemon("legit-recv-a", () -> traffic.receive(toBob, 1)));

            long initiationCount = (long) (datagrams * INITIATION_SHARE);
            long mixedCount = datagrams - initiationCount;
            SplittableRandom r = new SplittableRandom(14);
            DatagramPacket pkt = new DatagramPacket(new byte[0], 0, b.localGroup());
            long t0 = System.nanoTime();
            long[] kinds = new long[KINDS];
            for (long i = 0; i < mixedCount; i++) {
                int kind = r.nextInt(KINDS);
                kinds[kind]++;
                byte[] d = mixed(kind, genuine, r);
                pkt.setData(d);
                sendQuietly(attacker, pkt);
            }
            long t1 = System.nanoTime();
            EngineMetrics m1 = b.metrics();
            byte[] mac1Key = Mac1.key(bob.publicKey());
            for (long i = 0; i < initiationCount; i++) {
                byte[] d = (i & 1) == 0 ? initiations.get(r.nextInt(initiations.size())) : forgedInitiation(r, mac1Key);
                pkt.setData(d);
                sendQuietly(attacker, pkt);
            }
            long t2 = System.nanoTime();
            Thread.sleep(DRAIN.toMillis());
            EngineMetrics m2 = b.metrics();
            stop = true;
            for (Thread t : workers) {
                t.join(WAIT.toMillis());
            }
            Thread.sleep(DRAIN.toMillis());
            // The listener stays up: a fresh message still arrives.
            byte[] probe = "still here".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            boolean stillDelivers = false;
            for (int tries = 0; tries < 5 && !stillDelivers; tries++) {
                toBob.send(probe);
                byte[] got;
                while ((got = toAlice.receive(Duration.ofSeconds(2))) != null) {
                    if (Arrays.equals(got, probe)) {
                        stillDelivers = true;
                        break;
                    }
                }
            }
            System.gc();
            double heapAfter = heapMiB();
            int threadsAfter = threadCount();
            EngineMetrics m3 = b.metrics();
            double sendSeconds = (t2 - t0) / 1e9;
            double floodSeconds = (t2 - t1) / 1e9 + DRAIN.toSeconds();
            long dh = m2.dhOperations() - m1.dhOperations();
            log.printf("hostile: sent %,d datagrams in %.1f s (%,.0f/s): mixed %,d (garbage %d, truncated %d, bit-flipped %d,"
                            + " replayed %d, forged responses %d, forged cookie replies %d), initiations %,d from %d identities"
                            + " plus mac1-only forgeries%n", datagrams, sendSeconds, datagrams / sendSeconds, mixedCount,
                    kinds[0], kinds[1], kinds[2], kinds[3], kinds[4], kinds[5], initiationCount, IDENTITIES);
            log.printf("hostile: listener received %,d datagrams (the kernel dropped the rest on a full socket buffer)%n",
                    m3.packetsIn() - m0.packetsIn());
            log.printf("hostile: initiation flood %.1f s (incl. %d s drain): %,d DH operations = %,.0f DH/s; cookie replies %,d;"
                            + " noise messages processed %,d; drops %s%n", floodSeconds, DRAIN.toSeconds(), dh,
                    dh / floodSeconds, m2.cookieRepliesSent() - m1.cookieRepliesSent(),
                    m2.noiseMessagesProcessed() - m1.noiseMessagesProcessed(), diff(m1, m2));
            log.printf("hostile: legitimate pair: a->b %d/%d delivered (%.1f%%), b->a %d/%d (%.1f%%), duplicates %d,"
                            + " altered %d; fresh message after the flood delivered: %s%n", traffic.received.get(0),
                    traffic.sent.get(0), 100.0 * traffic.received.get(0) / Math.max(1, traffic.sent.get(0)),
                    traffic.received.get(1), traffic.sent.get(1),
                    100.0 * traffic.received.get(1) / Math.max(1, traffic.sent.get(1)), traffic.duplicates.get(),
                    traffic.altered.get(), stillDelivers);
            log.printf("hostile: after: listener heap %.1f MiB (before %.1f), threads %d (before %d); drops during the run %s;"
                            + " INTERNAL_ERROR %d; %s%n", heapAfter, heapBefore, threadsAfter, threadsBefore, diff(m0, m3),
                    m3.drops(DropReason.INTERNAL_ERROR), m3);
            return new Figures(datagrams, sendSeconds,
                    new long[] {traffic.sent.get(0), traffic.sent.get(1)},
                    new long[] {traffic.received.get(0), traffic.received.get(1)}, traffic.duplicates.get(),
                    traffic.altered.get(), m3.drops(DropReason.INTERNAL_ERROR), !b.isClosed(), stillDelivers, dh,
                    floodSeconds, m2.cookieRepliesSent() - m1.cookieRepliesSent(), m3, heapBefore, heapAfter,
                    threadsBefore, threadsAfter, failure.get());
        } finally {
            stop = true;
            alice.destroy();
            bob.destroy();
        }
    }

    private static Map<DropReason, Long> diff(EngineMetrics from, EngineMetrics to) {
        Map<DropReason, Long> m = new java.util.EnumMap<>(DropReason.class);
        for (DropReason d : DropReason.values()) {
            long n = to.drops(d) - from.drops(d);
            if (n != 0) {
                m.put(d, n);
            }
        }
        return m;
    }

    private static MulticastSocket listen(InetSocketAddress group, NetworkInterface lo) throws IOException {
        MulticastSocket s = new MulticastSocket(null);
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(group.getAddress(), group.getPort()));
        s.joinGroup(group, lo);
        s.setSoTimeout(200);
        return s;
    }

    private void capture(MulticastSocket s, List<byte[]> out) {
        byte[] buf = new byte[65_536];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        while (!stop) {
            try {
                s.receive(p);
                out.add(Arrays.copyOf(p.getData(), p.getLength()));
            } catch (SocketTimeoutException e) {
                // poll stop
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private static void sendQuietly(MulticastSocket s, DatagramPacket p) throws IOException {
        try {
            s.send(p);
        } catch (java.net.PortUnreachableException | java.net.NoRouteToHostException e) {
            throw e;
        } catch (SocketException e) {
            // ENOBUFS under a flood: the datagram is lost, as on a real network.
        }
    }

    /** One hostile datagram of {@code kind}, built from the captured genuine ones. */
    private static byte[] mixed(int kind, List<byte[]> genuine, SplittableRandom r) {
        byte[] g = genuine.get(r.nextInt(genuine.size()));
        switch (kind) {
            case 0 -> {
                byte[] d = new byte[r.nextInt(MAX_GARBAGE + 1)];
                r.nextBytes(d);
                if (d.length >= io.mp2p.wire.Header.LENGTH && r.nextBoolean()) {
                    d[0] = (byte) (1 + r.nextInt(PacketType.TRANSPORT_DATA.code()));
                    d[1] = 1;
                    d[2] = 0;
                    d[3] = 0;
                }
                return d;
            }
            case 1 -> {
                return Arrays.copyOf(g, r.nextInt(g.length));
            }
            case 2 -> {
                byte[] d = g.clone();
                int flips = 1 + r.nextInt(MAX_FLIPS);
                for (int i = 0; i < flips; i++) {
                    int bit = r.nextInt(d.length * Byte.SIZE);
                    d[bit / Byte.SIZE] ^= (byte) (1 << (bit % Byte.SIZE));
                }
                return d;
            }
            case 3 -> {
                return g;
            }
            case 4 -> {
                byte[] d = new byte[HandshakeResponse.LENGTH];
                r.nextBytes(d);
                HandshakeResponse.writeHeader(d, 0, capturedIndex(genuine, r));
                return d;
            }
            default -> {
                byte[] d = new byte[CookieReply.LENGTH];
                r.nextBytes(d);
                CookieReply.writeHeader(d, 0, capturedIndex(genuine, r));
                return d;
            }
        }
    }

    /** A session or sender index seen on the wire (bytes 4..8 of any packet), so forgeries hit live state. */
    private static int capturedIndex(List<byte[]> genuine, SplittableRandom r) {
        byte[] g = genuine.get(r.nextInt(genuine.size()));
        return g.length >= Integer.BYTES * 2 ? ByteBuffer.wrap(g, Integer.BYTES, Integer.BYTES).getInt() : r.nextInt();
    }

    private static byte[] forgedInitiation(SplittableRandom r, byte[] mac1Key) {
        byte[] d = new byte[HandshakeInitiation.LENGTH];
        r.nextBytes(d);
        HandshakeInitiation.writeHeader(d, 0, 1, r.nextInt());
        Mac1.compute(mac1Key, d, 0, HandshakeInitiation.MAC1_OFFSET, d, HandshakeInitiation.MAC1_OFFSET);
        Arrays.fill(d, HandshakeInitiation.MAC2_OFFSET, HandshakeInitiation.LENGTH, (byte) 0);
        return d;
    }

    /** Genuine initiations to {@code bob} from {@link #IDENTITIES} fresh identities, made by real engines. */
    private static List<byte[]> initiations(Mp2pIdentity bob, InetSocketAddress bobGroup) {
        List<byte[]> out = new ArrayList<>();
        long now = System.nanoTime();
        for (int i = 0; i < IDENTITIES; i++) {
            Mp2pIdentity id = Mp2pIdentity.generate();
            Endpoint e = new Endpoint(EngineConfig.builder(id).peerLocator(k -> bobGroup)
                    .random(io.mp2p.crypto.RandomSource.secure()).wallClock(() -> System.currentTimeMillis() * 1_000_000L).build());
            e.connect(bob.publicKey(), now);
            for (Transmit t; (t = e.pollTransmit()) != null; ) {
                out.add(Arrays.copyOf(t.data(), t.length()));
            }
            e.destroy();
            id.destroy();
        }
        return out;
    }

    /** Numbered messages both ways with checks for loss, duplication and alteration. */
    private final class Traffic {
        final java.util.concurrent.atomic.AtomicLongArray sent = new java.util.concurrent.atomic.AtomicLongArray(2);
        final java.util.concurrent.atomic.AtomicLongArray received = new java.util.concurrent.atomic.AtomicLongArray(2);
        final AtomicLong duplicates = new AtomicLong();
        final AtomicLong altered = new AtomicLong();

        void send(PeerSession s, int dir) {
            long interval = 1_000_000_000L / MESSAGES_PER_SECOND;
            long next = System.nanoTime();
            try {
                while (!stop) {
                    s.send(ChannelSoak.expected(dir, sent.get(dir)));
                    sent.incrementAndGet(dir);
                    next += interval;
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            } catch (Exception e) {
                failure.compareAndSet(null, e);
            }
        }

        void receive(PeerSession s, int dir) {
            BitSet seen = new BitSet();
            try {
                while (true) {
                    byte[] m = s.receive(Duration.ofMillis(200));
                    if (m == null) {
                        if (stop) {
                            return;
                        }
                        continue;
                    }
                    if (m.length < Long.BYTES) {
                        continue; // the probe or the first byte
                    }
                    long seq = ByteBuffer.wrap(m).getLong();
                    if (seq < 0 || seq > Integer.MAX_VALUE || !Arrays.equals(m, ChannelSoak.expected(dir, seq))) {
                        if (m.length != MESSAGE_BYTES || !Arrays.equals(m, new byte[MESSAGE_BYTES])) {
                            altered.incrementAndGet();
                        }
                        continue;
                    }
                    if (seen.get((int) seq)) {
                        duplicates.incrementAndGet();
                        continue;
                    }
                    seen.set((int) seq);
                    received.incrementAndGet(dir);
                }
            } catch (Exception e) {
                if (!stop) {
                    failure.compareAndSet(null, e);
                }
            }
        }
    }

    private static double heapMiB() {
        Runtime rt = Runtime.getRuntime();
        return (rt.totalMemory() - rt.freeMemory()) / MIB;
    }

    private static int threadCount() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
