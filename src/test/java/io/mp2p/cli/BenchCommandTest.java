package io.mp2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import picocli.CommandLine;

/**
 * {@code mp2p bench} as a user runs it, in its own JVM, on loopback only. The figures depend on the
 * machine, so nothing here compares them with a threshold: the run must produce every figure and
 * every ratio, each a sane number (non-negative, a loss between 0 and 1, a p99 not below its median),
 * and say what it is doing on stderr while it runs.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BenchCommandTest {
    private static final List<String> SIZES = List.of("64", "512", "1197", "16384");
    private static final Set<String> RATIOS = Set.of(
            "throughput_64_mp2p_vs_udp", "throughput_512_mp2p_vs_udp", "throughput_1197_mp2p_vs_udp",
            "throughput_16384_mp2p_vs_udp", "throughput_1197_mp2p_vs_dtls", "throughput_1197_dtls_vs_udp",
            "handshake_full_vs_floor", "handshake_initiator_vs_floor", "handshake_responder_vs_floor",
            "handshake_full_vs_known_peer_floor", "handshake_initiator_vs_known_peer_floor",
            "handshake_responder_vs_known_peer_floor",
            "handshake_cpu_mp2p_vs_dtls", "handshake_latency_mp2p_vs_dtls", "ping_median_mp2p_vs_udp",
            "ping_p99_mp2p_vs_udp", "stream_throughput_mp2p_vs_tcp", "stream_rtt_median_mp2p_vs_tcp",
            "stream_rtt_p99_mp2p_vs_tcp");

    @Test
    void fourSecondRunReportsEveryFigureAndRatioAsJson() throws Exception {
        Cli.Result r = Cli.run(110, Cli.command("bench", "--duration", "4", "--json"));
        assertEquals(0, r.exitCode(), r.stderr());
        JsonObject root = JsonParser.parseString(r.stdout()).getAsJsonObject();

        JsonObject throughput = root.getAsJsonObject("throughput");
        for (String size : SIZES) {
            JsonObject cell = throughput.getAsJsonObject(size);
            assertNotNull(cell, "no throughput at " + size + " B: " + r.stdout());
            checkThroughput(cell.getAsJsonObject("udp"), "udp " + size);
            checkThroughput(cell.getAsJsonObject("mp2p"), "mp2p " + size);
        }
        checkThroughput(throughput.getAsJsonObject("1197").getAsJsonObject("dtls"), "dtls 1197");
        assertEquals(SIZES.size(), throughput.size(), "sizes: " + throughput.keySet());

        JsonObject hs = root.getAsJsonObject("handshake");
        for (String rate : List.of("mp2p_full_per_s", "mp2p_initiator_per_s", "mp2p_responder_per_s",
                "x25519_floor_full_per_s", "x25519_floor_side_per_s", "dtls_in_memory_per_s")) {
            assertTrue(positive(hs, rate) > 0, rate + ": " + hs);
        }
        assertEquals(0, hs.get("mp2p_failures").getAsLong(), "engine handshakes that failed: " + hs);
        // One side does half of a handshake's X25519 work: its floor rate is twice the whole one's.
        assertEquals(2 * hs.get("x25519_floor_full_per_s").getAsDouble(), hs.get("x25519_floor_side_per_s").getAsDouble(),
                0.01 * hs.get("x25519_floor_side_per_s").getAsDouble());
        JsonObject latency = hs.getAsJsonObject("latency");
        checkSamples(latency.getAsJsonObject("mp2p_connect"), "mp2p connect");
        checkSamples(latency.getAsJsonObject("dtls"), "dtls handshake");

        JsonObject ping = root.getAsJsonObject("ping");
        assertEquals(64, ping.get("size").getAsInt());
        checkSamples(ping.getAsJsonObject("udp"), "udp ping");
        checkSamples(ping.getAsJsonObject("mp2p"), "mp2p ping");

        // Streams: bytes that arrived (every one checked against what was written, or the run fails), and round trips.
        JsonObject streams = root.getAsJsonObject("streams");
        assertNotNull(streams, "no streams: " + r.stdout());
        assertEquals(65_536, streams.get("write_size").getAsInt());
        for (String who : List.of("tcp", "mp2p")) {
            JsonObject bulk = streams.getAsJsonObject(who);
            assertTrue(positive(bulk, "mb_per_s") > 0, who + " stream: " + bulk);
            assertTrue(bulk.get("bytes").getAsLong() >= 65_536, who + " stream moved less than one write: " + bulk);
        }
        JsonObject streamRtt = streams.getAsJsonObject("round_trip");
        assertEquals(64, streamRtt.get("size").getAsInt());
        checkSamples(streamRtt.getAsJsonObject("tcp"), "tcp round trip");
        checkSamples(streamRtt.getAsJsonObject("mp2p"), "mp2p stream round trip");

        JsonObject ratios = root.getAsJsonObject("ratios");
        assertEquals(RATIOS, ratios.keySet());
        for (String k : RATIOS) {
            assertTrue(positive(ratios, k) >= 0, k);
        }
        // The ratios are the figures divided, not numbers of their own.
        double udp1197 = throughput.getAsJsonObject("1197").getAsJsonObject("udp").get("messages_per_s").getAsDouble();
        double mp2p1197 = throughput.getAsJsonObject("1197").getAsJsonObject("mp2p").get("messages_per_s").getAsDouble();
        assertEquals(mp2p1197 / udp1197, ratios.get("throughput_1197_mp2p_vs_udp").getAsDouble(), 0.001 + mp2p1197 / udp1197 * 0.001);
        for (String k : List.of("stream_throughput_mp2p_vs_tcp", "stream_rtt_median_mp2p_vs_tcp", "stream_rtt_p99_mp2p_vs_tcp")) {
            assertTrue(positive(ratios, k) > 0, k + ": " + ratios);
        }
        double tcpMb = streams.getAsJsonObject("tcp").get("mb_per_s").getAsDouble();
        double mp2pMb = streams.getAsJsonObject("mp2p").get("mb_per_s").getAsDouble();
        assertEquals(mp2pMb / tcpMb, ratios.get("stream_throughput_mp2p_vs_tcp").getAsDouble(), 0.001 + mp2pMb / tcpMb * 0.01);

        JsonObject machine = root.getAsJsonObject("machine");
        assertTrue(machine.get("cpus").getAsInt() >= 1);
        assertFalse(machine.get("jdk").getAsString().isEmpty());
        JsonObject settings = root.getAsJsonObject("settings");
        assertEquals("lo", settings.get("interface").getAsString());
        assertEquals(0, settings.get("multicast_ttl").getAsInt());
        assertTrue(settings.get("dtls_cipher_suite").getAsString().startsWith("TLS_"), settings.toString());

        // Progress while it runs, on stderr, phase by phase.
        List<String> progress = r.stderr().lines().filter(l -> l.startsWith("mp2p bench [")).toList();
        for (String phase : List.of("setting up", "throughput: round 1", "handshake CPU: round 1", "handshake latency",
                "ping-pong: round 1", "streams: round 1", "done")) {
            assertTrue(progress.stream().anyMatch(l -> l.contains(phase)), "no progress line for " + phase + ": " + r.stderr());
        }
    }

    @Test
    void tooShortADurationIsOneLineAndAUsageError() {
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        CommandLine cl = Mp2pCommand.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(out, true));
        int code = cl.execute("bench", "--duration", "1");
        assertEquals(ExitCodes.USAGE, code);
        assertEquals("mp2p: --duration must be at least 2 seconds", err.toString().strip());
        assertEquals("", out.toString());
    }

    private static void checkThroughput(JsonObject o, String what) {
        assertNotNull(o, what);
        double rate = positive(o, "messages_per_s");
        assertTrue(positive(o, "mb_per_s") >= 0, what);
        double loss = positive(o, "loss");
        assertTrue(loss <= 1, what + " loss " + loss);
        long sent = o.get("sent").getAsLong();
        long delivered = o.get("delivered").getAsLong();
        assertTrue(sent > 0, what + " sent nothing");
        assertTrue(delivered >= 0 && delivered <= sent, what + ": delivered " + delivered + " of " + sent);
        assertEquals(1.0 - (double) delivered / sent, loss, 1e-3, what);
        assertTrue(rate >= 0, what);
    }

    private static void checkSamples(JsonObject o, String what) {
        assertNotNull(o, what);
        assertTrue(o.get("samples").getAsInt() >= 1, what + " has no sample: " + o);
        double median = positive(o, "median_us");
        double p99 = positive(o, "p99_us");
        assertTrue(median > 0 && p99 >= median, what + ": " + o);
        assertTrue(o.get("failures").getAsLong() >= 0, what);
    }

    /** The number under {@code key}: present, not null, finite and not negative. */
    private static double positive(JsonObject o, String key) {
        JsonElement e = o.get(key);
        assertNotNull(e, key + " missing in " + o);
        assertFalse(e.isJsonNull(), key + " is null in " + o);
        double v = e.getAsDouble();
        assertTrue(Double.isFinite(v) && v >= 0, key + " = " + v);
        return v;
    }
}
