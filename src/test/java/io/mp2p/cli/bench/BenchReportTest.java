package io.mp2p.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import io.mp2p.CipherSuite;

/** The report from figures set by hand: ratios are the figures divided, the unmeasured say so. */
class BenchReportTest {
    private static final long SECOND = 1_000_000_000L;

    /** Figures with round numbers: UDP twice mp2p's rate at every size, and so on. */
    private static BenchResults results() {
        BenchResults r = new BenchResults(new BenchSettings(Duration.ofSeconds(3), CipherSuite.AESGCM_SHA256));
        for (int size : BenchSettings.SIZES) {
            r.udp.get(size).add(new Slice(100_000, 100_000, SECOND));
            r.mp2p.get(size).add(new Slice(60_000, 50_000, SECOND));
        }
        r.dtls.add(new Slice(30_000, 25_000, SECOND / 2));
        r.dtlsCipherSuite = "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";
        r.floor.add(2000, SECOND);
        r.knownPeerFloor.add(2500, SECOND);
        r.mp2pDhOperations = 8000;
        r.mp2pHandshakes.add(1000, SECOND);
        r.initiatorNanos = SECOND / 4;
        r.responderNanos = 3 * SECOND / 4;
        r.dtlsHandshakes.add(500, SECOND);
        for (int i = 1; i <= 100; i++) {
            r.udpPing.add(i * 1000L);
            r.mp2pPing.add(i * 3000L);
        }
        r.mp2pConnect.add(400_000);
        r.dtlsConnect.add(4_000_000);
        r.dtlsConnect.fail();
        r.tcpBulk.add(2_000_000_000L, SECOND);           // 2,000 MB/s
        r.mp2pStreamBulk.add(100_000_000L, SECOND / 2);  // 200 MB/s
        for (int i = 1; i <= 100; i++) {
            r.tcpRoundTrip.add(i * 1000L);
            r.mp2pStreamRoundTrip.add(i * 4000L);
        }
        return r;
    }

    @Test
    void ratiosAreTheFiguresDivided() {
        Map<String, Double> m = BenchReport.ratios(results());
        assertEquals(0.5, m.get("throughput_64_mp2p_vs_udp"), 1e-9);
        assertEquals(0.5, m.get("throughput_16384_mp2p_vs_udp"), 1e-9);
        assertEquals(1.0, m.get("throughput_1197_mp2p_vs_dtls"), 1e-9);      // 50,000/s both
        assertEquals(0.5, m.get("throughput_1197_dtls_vs_udp"), 1e-9);
        assertEquals(0.5, m.get("handshake_full_vs_floor"), 1e-9);           // 1,000 vs 2,000 /s
        // Initiator: 1,000 handshakes in 0.25 s = 4,000/s against one side's floor of 4,000/s.
        assertEquals(1.0, m.get("handshake_initiator_vs_floor"), 1e-9);
        assertEquals(1.0 / 3, m.get("handshake_responder_vs_floor"), 1e-9);
        assertEquals(2.0, m.get("handshake_cpu_mp2p_vs_dtls"), 1e-9);
        assertEquals(0.1, m.get("handshake_latency_mp2p_vs_dtls"), 1e-9);
        assertEquals(3.0, m.get("ping_median_mp2p_vs_udp"), 1e-9);
        assertEquals(3.0, m.get("ping_p99_mp2p_vs_udp"), 1e-9);
        assertEquals(0.4, m.get("handshake_full_vs_known_peer_floor"), 1e-9);  // 1,000 vs 2,500 /s
        assertEquals(0.1, m.get("stream_throughput_mp2p_vs_tcp"), 1e-9);      // 200 vs 2,000 MB/s
        assertEquals(4.0, m.get("stream_rtt_median_mp2p_vs_tcp"), 1e-9);
        assertEquals(4.0, m.get("stream_rtt_p99_mp2p_vs_tcp"), 1e-9);
    }

    @Test
    void jsonHasEveryFigure() {
        JsonObject root = JsonParser.parseString(BenchReport.json(results())).getAsJsonObject();
        JsonObject udp64 = root.getAsJsonObject("throughput").getAsJsonObject("64").getAsJsonObject("udp");
        assertEquals(100_000, udp64.get("messages_per_s").getAsDouble(), 1e-6);
        assertEquals(6.4, udp64.get("mb_per_s").getAsDouble(), 1e-6);
        assertEquals(0.0, udp64.get("loss").getAsDouble());
        JsonObject mp2p1197 = root.getAsJsonObject("throughput").getAsJsonObject("1197").getAsJsonObject("mp2p");
        assertEquals(1.0 / 6, mp2p1197.get("loss").getAsDouble(), 1e-4);
        assertEquals(59.85, mp2p1197.get("mb_per_s").getAsDouble(), 1e-6);
        JsonObject dtlsLatency = root.getAsJsonObject("handshake").getAsJsonObject("latency").getAsJsonObject("dtls");
        assertEquals(4000.0, dtlsLatency.get("median_us").getAsDouble());
        assertEquals(1, dtlsLatency.get("failures").getAsLong());
        JsonObject udpPing = root.getAsJsonObject("ping").getAsJsonObject("udp");
        assertEquals(50.0, udpPing.get("median_us").getAsDouble());
        assertEquals(99.0, udpPing.get("p99_us").getAsDouble());
        assertEquals(100, udpPing.get("samples").getAsInt());
        JsonObject streams = root.getAsJsonObject("streams");
        assertEquals(2000.0, streams.getAsJsonObject("tcp").get("mb_per_s").getAsDouble(), 1e-6);
        assertEquals(200.0, streams.getAsJsonObject("mp2p").get("mb_per_s").getAsDouble(), 1e-6);
        assertEquals(100_000_000L, streams.getAsJsonObject("mp2p").get("bytes").getAsLong());
        assertEquals(200.0, streams.getAsJsonObject("round_trip").getAsJsonObject("mp2p").get("median_us").getAsDouble());
        assertEquals(19, root.getAsJsonObject("ratios").size());
    }

    @Test
    void whatWasNotMeasuredIsNullNotZero() {
        BenchResults r = new BenchResults(new BenchSettings(Duration.ofSeconds(3), CipherSuite.AESGCM_SHA256));
        JsonObject root = JsonParser.parseString(BenchReport.json(r)).getAsJsonObject();
        assertTrue(root.getAsJsonObject("ratios").get("ping_median_mp2p_vs_udp").isJsonNull());
        assertTrue(root.getAsJsonObject("ratios").get("stream_throughput_mp2p_vs_tcp").isJsonNull());
        assertTrue(root.getAsJsonObject("streams").getAsJsonObject("tcp").get("mb_per_s").isJsonNull());
        assertTrue(root.getAsJsonObject("throughput").getAsJsonObject("64").getAsJsonObject("udp").get("loss").isJsonNull());
        assertTrue(BenchReport.table(r).contains("n/a"));
    }

    @Test
    void tableShowsEveryRowAndRatio() {
        String t = BenchReport.table(results());
        for (String row : new String[] {"64 B", "512 B", "1197 B", "16384 B", "mp2p full IK", "X25519 floor",
                "JSSE DTLS 1.2, engines in memory", "mp2p connect()", "JSSE DTLS 1.2 over 127.0.0.1", "plain UDP",
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "Streams, one writer -> one reader", "plain TCP on 127.0.0.1",
                "2000.0 MB/s", "mp2p stream", "200.0 MB/s"}) {
            assertTrue(t.contains(row), row + " missing:\n" + t);
        }
        for (String ratio : BenchReport.ratios(results()).keySet()) {
            assertTrue(t.lines().anyMatch(l -> l.strip().startsWith(ratio + " ") && !l.endsWith("n/a")), ratio + ":\n" + t);
        }
        assertTrue(t.contains("100,000/s"), t);
        assertFalse(t.contains("n/a"), t);
    }
}
