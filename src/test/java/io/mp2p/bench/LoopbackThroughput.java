package io.mp2p.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.mp2p.ChannelOptions;
import io.mp2p.LoopbackPorts;
import io.mp2p.PeerSession;
import io.mp2p.SecureMulticastChannel;
import io.mp2p.CipherSuite;
import io.mp2p.EngineMetrics;
import io.mp2p.identity.Mp2pIdentity;

/**
 * One sender → one receiver over IPv4 multicast on {@code lo} only (TTL 0), for a fixed time, with
 * 1197-byte messages (one packet each at the default path MTU):
 * <ol>
 * <li>mp2p: two {@link SecureMulticastChannel}s, {@code PeerSession.send} as fast as the sender's
 *     I/O thread keeps up (the sender waits while more than {@value #WINDOW} messages are handed over
 *     but not yet sealed: {@code send} itself queues without bound);</li>
 * <li>baseline: two plain {@link DatagramChannel}s, blocking sends to a group joined on {@code lo}.</li>
 * </ol>
 * Prints messages/s, MB/s (10^6 bytes of payload) and loss. Arguments: [seconds=5] [size=1197]
 * [suite=AESGCM_SHA256|CHACHAPOLY_BLAKE2S|both] [mp2p|udp|all].
 */
public final class LoopbackThroughput {
    private static final int WINDOW = 4096;

    private LoopbackThroughput() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 1197;
        String suites = args.length > 2 ? args[2] : "both";
        String which = args.length > 3 ? args[3] : "all";
        System.out.printf("JDK %s (%s), %d CPUs, %d-byte messages, %.1f s per run, interface lo, TTL 0%n",
                System.getProperty("java.version"), System.getProperty("java.vm.name"),
                Runtime.getRuntime().availableProcessors(), size, seconds);
        if (!which.equals("mp2p")) {
            udp(seconds, size);
        }
        if (!which.equals("udp")) {
            for (CipherSuite suite : CipherSuite.values()) {
                if (suites.equals("both") || suites.equals(suite.name())) {
                    mp2p(seconds, size, suite);
                }
            }
        }
    }

    private static void mp2p(double seconds, int size, CipherSuite suite) throws Exception {
        Mp2pIdentity alice = Mp2pIdentity.generate();
        Mp2pIdentity bob = Mp2pIdentity.generate();
        int port = LoopbackPorts.free();
        ChannelOptions.Builder lo = ChannelOptions.builder().networkInterface("lo").ttl(0).port(port)
                .connectTimeout(Duration.ofSeconds(10)).suite(suite).receiveQueueCapacity(1 << 20);
        long[] udpBefore = udpErrors();
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo.build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo.build())) {
            PeerSession toBob = a.connect(bob.publicKey());
            PeerSession toAlice = b.accept(Duration.ofSeconds(10));
            if (toAlice == null) {
                throw new IllegalStateException("bob saw no session");
            }
            AtomicLong received = new AtomicLong();
            AtomicLong bad = new AtomicLong();
            Thread reader = new Thread(() -> {
                try {
                    for (byte[] m; (m = toAlice.receive(Duration.ofMillis(1000))) != null; ) {
                        if (m.length != size) {
                            bad.incrementAndGet();
                        }
                        received.incrementAndGet();
                    }
                } catch (Exception e) {
                    System.err.println("reader: " + e);
                }
            }, "reader");
            reader.start();
            byte[] message = new byte[size];
            long sent = 0;
            long sealedBefore = a.metrics().messagesSent();
            long t0 = System.nanoTime();
            long end = t0 + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                for (int i = 0; i < 256; i++) {
                    toBob.send(message);
                }
                sent += 256;
                while (sent - (a.metrics().messagesSent() - sealedBefore) > WINDOW) {
                    Thread.onSpinWait();
                }
            }
            long sendNanos = System.nanoTime() - t0;
            while (a.metrics().messagesSent() - sealedBefore < sent) {
                Thread.sleep(1);
            }
            reader.join();
            long got = received.get();
            EngineMetrics ma = a.metrics();
            EngineMetrics mb = b.metrics();
            long[] udpAfter = udpErrors();
            double s = sendNanos / 1e9;
            System.out.printf("mp2p %-18s sent %,d msgs in %.2f s = %,.0f msgs/s = %,.0f MB/s; received %,d = %,.0f MB/s;"
                            + " loss %.2f%%; wrong size %d; receiver drops %s, queue drops %d; packets out %,d in %,d;"
                            + " kernel UDP RcvbufErrors +%d InErrors +%d%n",
                    suite, sent, s, sent / s, sent * (double) size / s / 1e6, got, got * (double) size / s / 1e6,
                    100.0 * (sent - got) / sent, bad.get(), mb.dropsByReason(), toAlice.droppedMessages(),
                    ma.packetsOut(), mb.packetsIn(), udpAfter[1] - udpBefore[1], udpAfter[0] - udpBefore[0]);
        } finally {
            alice.destroy();
            bob.destroy();
        }
    }

    private static void udp(double seconds, int size) throws Exception {
        NetworkInterface lo = NetworkInterface.getByName("lo");
        InetAddress group = InetAddress.getByName("239.255.77.77");
        int port = LoopbackPorts.free();
        long[] udpBefore = udpErrors();
        try (DatagramChannel rx = DatagramChannel.open(StandardProtocolFamily.INET);
             DatagramChannel tx = DatagramChannel.open(StandardProtocolFamily.INET)) {
            rx.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            rx.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            rx.bind(new InetSocketAddress(port));
            rx.join(group, lo);
            tx.setOption(StandardSocketOptions.IP_MULTICAST_IF, lo);
            tx.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 0);
            tx.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
            AtomicLong received = new AtomicLong();
            Thread reader = new Thread(() -> {
                ByteBuffer buf = ByteBuffer.allocateDirect(65536);
                try {
                    while (true) {
                        buf.clear();
                        rx.receive(buf);
                        received.incrementAndGet();
                    }
                } catch (ClosedChannelException e) {
                    // done
                } catch (IOException e) {
                    System.err.println("udp reader: " + e);
                }
            }, "udp-reader");
            reader.start();
            ByteBuffer out = ByteBuffer.allocateDirect(size);
            InetSocketAddress to = new InetSocketAddress(group, port);
            long sent = 0;
            long t0 = System.nanoTime();
            long end = t0 + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                for (int i = 0; i < 256; i++) {
                    out.clear();
                    tx.send(out, to);
                }
                sent += 256;
            }
            long nanos = System.nanoTime() - t0;
            Thread.sleep(500);
            rx.close();
            reader.join();
            long got = received.get();
            long[] udpAfter = udpErrors();
            double s = nanos / 1e9;
            System.out.printf("plain UDP                 sent %,d datagrams in %.2f s = %,.0f /s = %,.0f MB/s; received %,d"
                            + " = %,.0f MB/s; loss %.2f%%; kernel UDP RcvbufErrors +%d InErrors +%d%n",
                    sent, s, sent / s, sent * (double) size / s / 1e6, got, got * (double) size / s / 1e6,
                    100.0 * (sent - got) / sent, udpAfter[1] - udpBefore[1], udpAfter[0] - udpBefore[0]);
        }
    }

    /** {InErrors, RcvbufErrors} of the host's UDP counters, or zeros where /proc is not there. */
    private static long[] udpErrors() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/net/snmp"));
            for (int i = 0; i + 1 < lines.size(); i++) {
                if (lines.get(i).startsWith("Udp:") && lines.get(i + 1).startsWith("Udp:")) {
                    List<String> names = List.of(lines.get(i).split("\\s+"));
                    String[] values = lines.get(i + 1).split("\\s+");
                    return new long[] {Long.parseLong(values[names.indexOf("InErrors")]),
                            Long.parseLong(values[names.indexOf("RcvbufErrors")])};
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return new long[2];
    }
}
