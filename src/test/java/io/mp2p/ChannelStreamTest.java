package io.mp2p;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.BindException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mp2p.identity.Mp2pIdentity;

/** Reliable streams between two channels on the loopback interface (TTL 0). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ChannelStreamTest extends TwoNodesOnLo {
    @Override
    protected Duration connectTimeout() {
        return WAIT;
    }

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static byte[] readAll(Mp2pStream s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[32 * 1024];
        for (int n; (n = s.read(buf, 0, buf.length, WAIT)) >= 0; ) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    @Test
    void bytesBothWaysWithHalfCloseAndTheAuthenticatedPeer() throws Exception {
        byte[] request = new byte[4 << 20];
        byte[] response = new byte[3 << 20];
        new SplittableRandom(3).nextBytes(request);
        new SplittableRandom(4).nextBytes(response);
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().build());
             StreamListener web = b.listenStreams(80, 8)) {
            CompletableFuture<byte[]> served = CompletableFuture.supplyAsync(() -> {
                try (Mp2pStream s = web.accept(WAIT)) {
                    assertEquals(alice.publicKey(), s.peer(), "the server sees who connected");
                    assertEquals(80, s.localPort());
                    byte[] got = readAll(s);                 // until alice's FIN
                    s.write(response, 0, response.length);   // the other direction still works
                    s.shutdownOutput();
                    return got;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            PeerSession toBob = a.connect(bob.publicKey());
            long t0 = System.nanoTime();
            try (Mp2pStream s = toBob.openStream(80)) {
                assertEquals(80, s.remotePort());
                s.write(request, 0, request.length);
                s.shutdownOutput();
                assertArrayEquals(response, readAll(s));
            }
            assertArrayEquals(request, served.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("loopback stream: 4 MiB one way and 3 MiB back, byte-exact, in %.2f s (%.1f MB/s)%n",
                    seconds, (request.length + response.length) / seconds / 1e6);
        }
    }

    @Test
    void aPortNobodyListensOnRefusesAndAReadTimesOutButStaysUsable() throws Exception {
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().build());
             StreamListener echo = b.listenStreams(7, 4)) {
            assertThrows(BindException.class, () -> b.listenStreams(7, 4));
            PeerSession toBob = a.connect(bob.publicKey());
            Mp2pStream refused = toBob.openStream(9);
            byte[] buf = new byte[16];
            IOException e = assertThrows(IOException.class, () -> {
                refused.write("x".getBytes(), 0, 1);
                refused.read(buf, 0, buf.length, WAIT);
            });
            assertTrue(e instanceof SocketException, e.toString());

            Mp2pStream s = toBob.openStream(7);
            s.write("ping".getBytes(), 0, 4);
            Mp2pStream served = echo.accept(WAIT);
            assertThrows(SocketTimeoutException.class, () -> s.read(buf, 0, buf.length, Duration.ofMillis(200)));
            served.write("pong".getBytes(), 0, 4);
            int n = s.read(buf, 0, buf.length, WAIT);
            assertEquals("pong", new String(buf, 0, n));
            assertThrows(SocketTimeoutException.class, () -> echo.accept(Duration.ofMillis(100)));
        }
    }

    @Test
    void closingTheChannelEndsBlockedReadsWritesAndAccepts() throws Exception {
        SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().build());
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().build())) {
            StreamListener l = b.listenStreams(80, 4);
            PeerSession toBob = a.connect(bob.publicKey());
            Mp2pStream s = toBob.openStream(80);
            s.write("hi".getBytes(), 0, 2);
            Mp2pStream served = l.accept(WAIT);
            CompletableFuture<Throwable> blockedRead = CompletableFuture.supplyAsync(() -> {
                try {
                    byte[] buf = new byte[8];
                    served.read(buf, 0, 2, Duration.ZERO);                   // "hi"
                    served.read(buf, 0, 8, Duration.ZERO);                   // blocks
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            CompletableFuture<Throwable> blockedAccept = CompletableFuture.supplyAsync(() -> {
                try {
                    l.accept(Duration.ZERO);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            Thread.sleep(200);
            b.close();
            assertTrue(blockedRead.get(10, TimeUnit.SECONDS) instanceof IOException, "the read ended with the channel");
            assertTrue(blockedAccept.get(10, TimeUnit.SECONDS) instanceof IOException, "the accept ended too");
            assertFalse(served.isOpen());
            // Alice learns: her stream ends with an error, never a hang.
            byte[] buf = new byte[8];
            assertThrows(IOException.class, () -> {
                for (int i = 0; i < 100; i++) {
                    if (s.read(buf, 0, 8, WAIT) < 0) {
                        throw new IOException("ended");
                    }
                }
            });
        }
    }
}
