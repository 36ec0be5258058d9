package io.mp2p.cli.bench;

import java.util.Formatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/**
 * A run's figures as a table for people, or as one JSON object with every figure and every ratio.
 * A figure that could not be measured (no sample at all) is "n/a" in the table and null in JSON.
 *
 * <pre>{@code
 * BenchResults r = bench.run(System.err);
 * System.out.print(json ? BenchReport.json(r) : BenchReport.table(r));
 * }</pre>
 */
public final class BenchReport {
    private static final double SCALE = 1e4;

    private BenchReport() {
    }

    /**
     * Every ratio, named so that the reader knows which way is better: {@code _vs_} divides the first
     * contender's figure by the second's. For rates (throughput, handshakes/s) above 1 favours the
     * first; for times (round trip, handshake latency) below 1 does.
     */
    static Map<String, Double> ratios(BenchResults r) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int size : BenchSettings.SIZES) {
            m.put("throughput_" + size + "_mp2p_vs_udp",
                    ratio(r.mp2p.get(size).messagesPerSecond(), r.udp.get(size).messagesPerSecond()));
        }
        int d = BenchSettings.DTLS_SIZE;
        m.put("throughput_" + d + "_mp2p_vs_dtls", ratio(r.mp2p.get(d).messagesPerSecond(), r.dtls.messagesPerSecond()));
        m.put("throughput_" + d + "_dtls_vs_udp", ratio(r.dtls.messagesPerSecond(), r.udp.get(d).messagesPerSecond()));
        m.put("handshake_full_vs_floor", ratio(r.mp2pHandshakes.perSecond(), r.floor.perSecond()));
        m.put("handshake_initiator_vs_floor", ratio(r.initiatorPerSecond(), r.sideFloorPerSecond()));
        m.put("handshake_responder_vs_floor", ratio(r.responderPerSecond(), r.sideFloorPerSecond()));
        m.put("handshake_full_vs_known_peer_floor", ratio(r.mp2pHandshakes.perSecond(), r.knownPeerFloor.perSecond()));
        m.put("handshake_initiator_vs_known_peer_floor", ratio(r.initiatorPerSecond(), r.sideKnownPeerFloorPerSecond()));
        m.put("handshake_responder_vs_known_peer_floor", ratio(r.responderPerSecond(), r.sideKnownPeerFloorPerSecond()));
        m.put("handshake_cpu_mp2p_vs_dtls", ratio(r.mp2pHandshakes.perSecond(), r.dtlsHandshakes.perSecond()));
        m.put("handshake_latency_mp2p_vs_dtls", ratio(r.mp2pConnect.medianMicros(), r.dtlsConnect.medianMicros()));
        m.put("ping_median_mp2p_vs_udp", ratio(r.mp2pPing.medianMicros(), r.udpPing.medianMicros()));
        m.put("ping_p99_mp2p_vs_udp", ratio(r.mp2pPing.p99Micros(), r.udpPing.p99Micros()));
        m.put("stream_throughput_mp2p_vs_tcp", ratio(r.mp2pStreamBulk.perSecond(), r.tcpBulk.perSecond()));
        m.put("stream_rtt_median_mp2p_vs_tcp",
                ratio(r.mp2pStreamRoundTrip.medianMicros(), r.tcpRoundTrip.medianMicros()));
        m.put("stream_rtt_p99_mp2p_vs_tcp", ratio(r.mp2pStreamRoundTrip.p99Micros(), r.tcpRoundTrip.p99Micros()));
        return m;
    }

    private static double ratio(double a, double b) {
        return b > 0 && Double.isFinite(a) && Double.isFinite(b) ? a / b : Double.NaN;
    }

    // ------------------------------------------------------------------ JSON

    /** One JSON object: machine, settings, every figure, and {@code ratios}. */
    public static String json(BenchResults r) {
        JsonObject root = new JsonObject();
        JsonObject machine = new JsonObject();
        machine.addProperty("cpus", r.machine.cpus());
        machine.addProperty("cpu_model", r.machine.cpuModel());
        machine.addProperty("jdk", r.machine.jdk());
        machine.addProperty("vm", r.machine.vm());
        machine.addProperty("os", r.machine.os());
        machine.add("load_average_before", num(r.loadBefore));
        machine.add("load_average_after", num(r.loadAfter));
        root.add("machine", machine);

        JsonObject settings = new JsonObject();
        settings.addProperty("duration_s", r.settings.duration().toMillis() / 1e3);
        settings.add("elapsed_s", num(r.elapsedSeconds));
        settings.addProperty("suite", r.settings.suite().name());
        settings.addProperty("noise_protocol", r.settings.suite().noiseProtocolName());
        settings.addProperty("interface", Loopback.INTERFACE);
        settings.addProperty("multicast_ttl", Loopback.TTL);
        settings.addProperty("dtls_protocol", DtlsContext.PROTOCOL);
        settings.addProperty("dtls_cipher_suite", r.dtlsCipherSuite);
        JsonObject rounds = new JsonObject();
        r.rounds.forEach(rounds::addProperty);
        settings.add("rounds", rounds);
        root.add("settings", settings);

        JsonObject throughput = new JsonObject();
        for (int size : BenchSettings.SIZES) {
            JsonObject cell = new JsonObject();
            cell.add("udp", throughput(r.udp.get(size)));
            cell.add("mp2p", throughput(r.mp2p.get(size)));
            if (size == BenchSettings.DTLS_SIZE) {
                cell.add("dtls", throughput(r.dtls));
            }
            throughput.add(Integer.toString(size), cell);
        }
        root.add("throughput", throughput);

        JsonObject hs = new JsonObject();
        hs.add("mp2p_full_per_s", num(r.mp2pHandshakes.perSecond()));
        hs.add("mp2p_initiator_per_s", num(r.initiatorPerSecond()));
        hs.add("mp2p_responder_per_s", num(r.responderPerSecond()));
        hs.addProperty("mp2p_handshakes", r.mp2pHandshakes.operations());
        hs.addProperty("mp2p_failures", r.mp2pHandshakeFailures);
        hs.add("x25519_floor_full_per_s", num(r.floor.perSecond()));
        hs.add("x25519_floor_side_per_s", num(r.sideFloorPerSecond()));
        hs.addProperty("x25519_floor_handshakes", r.floor.operations());
        hs.add("x25519_known_peer_floor_full_per_s", num(r.knownPeerFloor.perSecond()));
        hs.add("mp2p_x25519_operations_per_handshake", num(r.dhOperationsPerHandshake()));
        hs.add("x25519_known_peer_floor_side_per_s", num(r.sideKnownPeerFloorPerSecond()));
        hs.add("dtls_in_memory_per_s", num(r.dtlsHandshakes.perSecond()));
        hs.addProperty("dtls_in_memory_handshakes", r.dtlsHandshakes.operations());
        JsonObject latency = new JsonObject();
        latency.add("mp2p_connect", samples(r.mp2pConnect));
        latency.add("dtls", samples(r.dtlsConnect));
        hs.add("latency", latency);
        root.add("handshake", hs);

        JsonObject ping = new JsonObject();
        ping.addProperty("size", RoundTripper.PING_SIZE);
        ping.add("udp", samples(r.udpPing));
        ping.add("mp2p", samples(r.mp2pPing));
        root.add("ping", ping);

        JsonObject streams = new JsonObject();
        streams.addProperty("write_size", StreamPattern.WRITE_SIZE);
        streams.add("tcp", bulk(r.tcpBulk));
        streams.add("mp2p", bulk(r.mp2pStreamBulk));
        JsonObject rtt = new JsonObject();
        rtt.addProperty("size", RoundTripper.PING_SIZE);
        rtt.add("tcp", samples(r.tcpRoundTrip));
        rtt.add("mp2p", samples(r.mp2pStreamRoundTrip));
        streams.add("round_trip", rtt);
        root.add("streams", streams);

        JsonObject ratios = new JsonObject();
        ratios(r).forEach((k, v) -> ratios.add(k, num(v)));
        root.add("ratios", ratios);
        return new GsonBuilder().setPrettyPrinting().serializeNulls().create().toJson(root) + System.lineSeparator();
    }

    private static JsonObject throughput(Throughput t) {
        JsonObject o = new JsonObject();
        o.add("messages_per_s", num(t.messagesPerSecond()));
        o.add("mb_per_s", num(t.megabytesPerSecond()));
        o.add("loss", num(t.loss()));
        o.addProperty("sent", t.sent());
        o.addProperty("delivered", t.delivered());
        return o;
    }

    private static JsonObject bulk(Tally t) {
        JsonObject o = new JsonObject();
        o.add("mb_per_s", num(megabytesPerSecond(t)));
        o.addProperty("bytes", t.operations());
        return o;
    }

    /** A bulk tally counts bytes: its rate in 10^6 bytes per second. */
    private static double megabytesPerSecond(Tally bytes) {
        return bytes.perSecond() / 1e6;
    }

    private static JsonObject samples(Samples s) {
        JsonObject o = new JsonObject();
        o.add("median_us", num(s.medianMicros()));
        o.add("p99_us", num(s.p99Micros()));
        o.addProperty("samples", s.count());
        o.addProperty("failures", s.failures());
        return o;
    }

    /** A number rounded to 4 decimals, or null when it could not be measured. */
    private static JsonElement num(double x) {
        return Double.isFinite(x) ? new JsonPrimitive(Math.round(x * SCALE) / SCALE) : JsonNull.INSTANCE;
    }

    // ------------------------------------------------------------------ table

    /** The figures as a plain-text table, with the machine and the ratios. */
    public static String table(BenchResults r) {
        Formatter f = new Formatter(new StringBuilder(), Locale.ROOT);
        Machine m = r.machine;
        f.format("mp2p bench: %.0f s (%.1f s elapsed), loopback only (multicast on %s, TTL %d; DTLS on 127.0.0.1)%n",
                r.settings.duration().toMillis() / 1e3, r.elapsedSeconds, Loopback.INTERFACE, Loopback.TTL);
        f.format("machine: %d CPUs, %s, JDK %s (%s), load average %s before, %s after%n", m.cpus(), m.cpuModel(),
                m.jdk(), m.vm(), fixed(r.loadBefore, 2), fixed(r.loadAfter, 2));
        f.format("mp2p: %s; DTLS: %s %s, P-256 ECDSA certificates, mutual authentication%n",
                r.settings.suite().noiseProtocolName(), DtlsContext.PROTOCOL, r.dtlsCipherSuite);
        f.format("rounds (contenders alternating): %s%n%n", r.rounds);

        f.format("Datagrams, one sender thread -> one receiver thread (delivered messages/s, payload MB/s, loss)%n");
        f.format("%-9s | %-32s | %-32s | %-32s | %s%n", "size", "plain UDP", "mp2p", "DTLS 1.2", "mp2p/UDP");
        for (int size : BenchSettings.SIZES) {
            f.format("%-9s | %s | %s | %s | %s%n", size + " B", cell(r.udp.get(size)), cell(r.mp2p.get(size)),
                    size == BenchSettings.DTLS_SIZE ? cell(r.dtls) : String.format("%-32s", ""),
                    fixed(ratio(r.mp2p.get(size).messagesPerSecond(), r.udp.get(size).messagesPerSecond()), 2));
        }
        f.format("(16384 B: mp2p sends 14 packets of at most 1,280 bytes; plain UDP one 16,384-byte datagram)%n%n");

        f.format("Handshakes, CPU (both sides on one thread, no sockets)%n");
        f.format("  mp2p full IK, fresh ephemerals    %12s /s   initiator alone %s /s, responder alone %s /s%n",
                count(r.mp2pHandshakes.perSecond()), count(r.initiatorPerSecond()), count(r.responderPerSecond()));
        f.format("  X25519 floor (2 fixed-base + 8)   %12s /s   one side (1 + 4) %s /s%n",
                count(r.floor.perSecond()), count(r.sideFloorPerSecond()));
        f.format("  X25519 floor, peer met before      %12s /s   one side (1 + 3) %s /s   (ss kept per peer;"
                        + " mp2p did %s X25519 operations per handshake)%n",
                count(r.knownPeerFloor.perSecond()), count(r.sideKnownPeerFloorPerSecond()),
                fixed(r.dhOperationsPerHandshake(), 2));
        f.format("  JSSE DTLS 1.2, engines in memory  %12s /s%n", count(r.dtlsHandshakes.perSecond()));
        f.format("Handshake latency over loopback (median / p99)%n");
        f.format("  mp2p connect()                    %s%n", latency(r.mp2pConnect));
        f.format("  JSSE DTLS 1.2 over 127.0.0.1      %s%n", latency(r.dtlsConnect));
        f.format("Round trip, %d-byte ping-pong (median / p99)%n", RoundTripper.PING_SIZE);
        f.format("  plain UDP                         %s%n", latency(r.udpPing));
        f.format("  mp2p                              %s%n", latency(r.mp2pPing));
        f.format("Streams, one writer -> one reader (%d KiB writes, payload MB/s, every byte checked)%n",
                StreamPattern.WRITE_SIZE / 1024);
        f.format("  plain TCP on 127.0.0.1            %10s MB/s%n", fixed(megabytesPerSecond(r.tcpBulk), 1));
        f.format("  mp2p stream                       %10s MB/s   mp2p/TCP %s%n",
                fixed(megabytesPerSecond(r.mp2pStreamBulk), 1),
                fixed(ratio(r.mp2pStreamBulk.perSecond(), r.tcpBulk.perSecond()), 3));
        f.format("Stream round trip, %d-byte request and reply (median / p99)%n", RoundTripper.PING_SIZE);
        f.format("  plain TCP                         %s%n", latency(r.tcpRoundTrip));
        f.format("  mp2p stream                       %s%n%n", latency(r.mp2pStreamRoundTrip));

        f.format("Ratios (x_vs_y = x / y; rates: higher favours x, times: lower favours x)%n");
        ratios(r).forEach((k, v) -> f.format("  %-40s %s%n", k, fixed(v, 3)));
        return f.toString();
    }

    private static String cell(Throughput t) {
        return String.format(Locale.ROOT, "%12s/s %8s MB/s %6s", count(t.messagesPerSecond()),
                fixed(t.megabytesPerSecond(), 1), Double.isFinite(t.loss()) ? String.format(Locale.ROOT, "%5.2f%%",
                        100 * t.loss()) : "n/a");
    }

    private static String latency(Samples s) {
        return String.format(Locale.ROOT, "%10s / %10s us  (%,d samples, %d failed)", fixed(s.medianMicros(), 1),
                fixed(s.p99Micros(), 1), s.count(), s.failures());
    }

    private static String count(double x) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%,.0f", x) : "n/a";
    }

    private static String fixed(double x, int decimals) {
        return Double.isFinite(x) ? String.format(Locale.ROOT, "%." + decimals + "f", x) : "n/a";
    }
}
