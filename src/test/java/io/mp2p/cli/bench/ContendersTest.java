package io.mp2p.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mp2p.CipherSuite;

/** Each contender's handshake machinery does what it claims, once, before anything is timed. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ContendersTest {

    @Test
    void selfSignedCertificateIsP256AndVerifies() throws Exception {
        SelfSignedCertificate c = SelfSignedCertificate.create("test");
        c.certificate.verify(c.keyPair.getPublic());
        c.certificate.checkValidity();
        assertEquals("EC", c.certificate.getPublicKey().getAlgorithm());
        assertEquals("CN=test", c.certificate.getSubjectX500Principal().getName());
        assertEquals(c.keyPair.getPublic(), c.certificate.getPublicKey());
    }

    @Test
    void dtlsInMemoryHandshakeFinishesWithMutualAuthentication() throws Exception {
        DtlsContext ctx = DtlsContext.create();
        DtlsMemoryHandshake h = new DtlsMemoryHandshake();
        for (int i = 0; i < 2; i++) {          // twice on one driver: no state left over
            SSLEngine client = ctx.engine(true);
            SSLEngine server = ctx.engine(false);
            h.run(client, server);
            assertEquals(HandshakeStatus.NOT_HANDSHAKING, client.getHandshakeStatus());
            assertEquals(HandshakeStatus.NOT_HANDSHAKING, server.getHandshakeStatus());
            assertEquals("DTLSv1.2", client.getSession().getProtocol());
            // The server saw the client's certificate: both sides authenticated, as in mp2p.
            assertEquals(1, server.getSession().getPeerCertificates().length);
        }
    }

    @Test
    void dtlsOverLoopbackHandshakesAndCarriesData() throws Exception {
        DtlsContext ctx = DtlsContext.create();
        try (DtlsConnectLatency latency = new DtlsConnectLatency(ctx)) {
            assertTrue(latency.handshake() > 0);
        }
        try (DtlsDatagrams stream = new DtlsDatagrams(ctx)) {
            assertTrue(stream.cipherSuite().startsWith("TLS_ECDHE_ECDSA_"), stream.cipherSuite());
            SliceCounter.Run run = stream.run(BenchSettings.DTLS_SIZE, 0, System.nanoTime()
                    + TimeUnit.SECONDS.toNanos(10));
            Slice s = run.slice();
            assertEquals(UdpDatagrams.BATCH, s.sent());
            // One batch over an idle loopback: the turn ends when all of it arrived, or after 10 s.
            assertEquals(s.sent(), s.delivered());
        }
    }

    @Test
    void engineHandshakesEstablishBothSidesEveryTime() {
        try (EngineHandshakes e = new EngineHandshakes(CipherSuite.CHACHAPOLY_BLAKE2S)) {
            for (int i = 0; i < 5; i++) {
                assertTrue(e.handshake(), "handshake " + i);
            }
            assertEquals(0, e.failures());
            assertTrue(e.initiatorNanos() > 0 && e.responderNanos() > 0);
        }
    }

    @Test
    void x25519FloorTimesOnlyTheScalarMultiplications() {
        X25519Floor f = new X25519Floor();
        for (int i = 0; i < 3; i++) {
            assertTrue(f.handshake() > 0);
        }
    }
}
