package io.mp2p;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.stream.StreamStats;

/**
 * A stream through a lossy link on real sockets: both channels on lo drop each received datagram with
 * a seeded probability before their engine sees it. Prints goodput, retransmissions and RTTs; asserts
 * only what must hold (byte-exact delivery), never a speed.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class LossyLoopbackStreamTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private record Run(double seconds, byte[] digestSent, byte[] digestReceived, StreamStats sender) {
    }

    private static Run transfer(int megabytes, double loss, long seed) throws Exception {
        Mp2pIdentity alice = Mp2pIdentity.generate();
        Mp2pIdentity bob = Mp2pIdentity.generate();
        ChannelOptions options = ChannelOptions.builder().networkInterface("lo").ttl(0).port(LoopbackPorts.free())
                .connectTimeout(WAIT).build();
        try (SecureMulticastChannel a = SecureMulticastChannel.openLossy(alice, options, loss, seed);
             SecureMulticastChannel b = SecureMulticastChannel.openLossy(bob, options, loss, seed + 1);
             StreamListener l = b.listenStreams(9, 1)) {
            CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
                try (Mp2pStream s = l.accept(WAIT)) {
                    MessageDigest d = MessageDigest.getInstance("SHA-256");
                    byte[] buf = new byte[64 * 1024];
                    for (int n; (n = s.read(buf, 0, buf.length, WAIT)) >= 0; ) {
                        d.update(buf, 0, n);
                    }
                    return d.digest();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            PeerSession toBob = a.connect(bob.publicKey());
            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            SplittableRandom data = new SplittableRandom(seed);
            byte[] chunk = new byte[256 * 1024];
            long t0 = System.nanoTime();
            try (Mp2pStream s = toBob.openStream(9)) {
                for (int i = 0; i < megabytes * 4; i++) {
                    data.nextBytes(chunk);
                    sent.update(chunk);
                    s.write(chunk, 0, chunk.length);
                }
                s.shutdownOutput();
                byte[] got = received.get(WAIT.toSeconds() * 4, TimeUnit.SECONDS);
                double seconds = (System.nanoTime() - t0) / 1e9;
                return new Run(seconds, sent.digest(), got, a.streamStats(bob.publicKey()));
            }
        } finally {
            alice.destroy();
            bob.destroy();
        }
    }

    private static void print(String label, int megabytes, Run r) {
        StreamStats s = r.sender();
        System.out.printf("lossy loopback stream, %s: %d MiB byte-exact in %.2f s = %.1f MB/s; packets sent %,d, lost %,d,"
                        + " bytes retransmitted %,d (%.1f%%), PTOs %d; RTT latest %.2f ms, min %.2f ms, smoothed %.2f ms,"
                        + " rttvar %.2f ms%n", label, megabytes, r.seconds(), (megabytes << 20) / r.seconds() / 1e6,
                s.packetsSent(), s.packetsLost(), s.streamBytesRetransmitted(),
                100.0 * s.streamBytesRetransmitted() / Math.max(1, s.streamBytesSent()), s.ptoCount(),
                s.latestRtt() / 1e6, s.minRtt() / 1e6, s.smoothedRtt() / 1e6, s.rttvar() / 1e6);
    }

    @Test
    void fiftyMebibytesThroughFivePercentLossArriveByteExact() throws Exception {
        int mib = 50;
        Run r = transfer(mib, 0.05, 50);
        assertArrayEquals(r.digestSent(), r.digestReceived(), "SHA-256 of what was sent and what arrived");
        assertTrue(r.sender().packetsLost() > 0 && r.sender().streamBytesRetransmitted() > 0,
                "the loss really happened and was repaired: " + r.sender());
        print("5% loss each way", mib, r);
    }

    @Test
    void onePercentLossAgainstNoLoss() throws Exception {
        int mib = 8;
        Run clean = transfer(mib, 0.0, 10);
        Run lossy = transfer(mib, 0.01, 11);
        assertArrayEquals(clean.digestSent(), clean.digestReceived());
        assertArrayEquals(lossy.digestSent(), lossy.digestReceived());
        print("no loss", mib, clean);
        print("1% loss each way", mib, lossy);
        System.out.printf("lossy loopback stream: 1%% loss goodput is %.2f of loss-free (same run; not asserted, a"
                + " timing)%n", clean.seconds() / lossy.seconds());
    }
}
