package io.mp2p.bench;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.mp2p.ChannelOptions;
import io.mp2p.Mp2pStream;
import io.mp2p.PeerSession;
import io.mp2p.SecureMulticastChannel;
import io.mp2p.StreamListener;
import io.mp2p.identity.Mp2pIdentity;

/**
 * Bulk goodput of one stream against a plain TCP socket, both on loopback, in one run (issue 10 item 5).
 * A benchmark, not a test: it prints figures and asserts nothing.
 *
 * <pre>
 * java -cp $CP io.mp2p.bench.StreamThroughput [MiB=1024] [port=45900]
 * </pre>
 */
public final class StreamThroughput {
    private static final int CHUNK = 256 * 1024;

    private StreamThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int mib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 45_900;
        long bytes = (long) mib << 20;
        double tcp = tcp(bytes);
        double mp2p = mp2p(bytes, port);
        System.out.printf("stream goodput, %d MiB on loopback: TCP %.1f MB/s, mp2p stream %.1f MB/s, ratio %.3f%n",
                mib, tcp, mp2p, mp2p / tcp);
    }

    /** MB/s of {@code bytes} through a plain TCP connection on 127.0.0.1. */
    static double tcp(long bytes) throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Long> sink = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    return drain(in);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            long t0 = System.nanoTime();
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                 OutputStream out = s.getOutputStream()) {
                fill(out, bytes);
            }
            long got = sink.get(10, TimeUnit.MINUTES);
            return got / ((System.nanoTime() - t0) / 1e9) / 1e6;
        }
    }

    /** MB/s of {@code bytes} through one mp2p stream between two channels on lo. */
    static double mp2p(long bytes, int port) throws Exception {
        Mp2pIdentity a = Mp2pIdentity.generate();
        Mp2pIdentity b = Mp2pIdentity.generate();
        ChannelOptions options = ChannelOptions.builder().networkInterface("lo").ttl(0).port(port).build();
        try (SecureMulticastChannel ca = SecureMulticastChannel.open(a, options);
             SecureMulticastChannel cb = SecureMulticastChannel.open(b, options);
             StreamListener l = cb.listenStreams(1, 1)) {
            CompletableFuture<Long> sink = CompletableFuture.supplyAsync(() -> {
                try (Mp2pStream s = l.accept(Duration.ofSeconds(30))) {
                    return drain(s.getInputStream());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            PeerSession session = ca.connect(b.publicKey());
            long t0 = System.nanoTime();
            try (Mp2pStream s = session.openStream(1)) {
                fill(s.getOutputStream(), bytes);
                s.shutdownOutput();
                long got = sink.get(30, TimeUnit.MINUTES);
                return got / ((System.nanoTime() - t0) / 1e9) / 1e6;
            }
        } finally {
            a.destroy();
            b.destroy();
        }
    }

    private static void fill(OutputStream out, long bytes) throws Exception {
        byte[] chunk = new byte[CHUNK];
        for (long sent = 0; sent < bytes; sent += CHUNK) {
            out.write(chunk, 0, (int) Math.min(CHUNK, bytes - sent));
        }
    }

    private static long drain(InputStream in) throws Exception {
        byte[] buf = new byte[CHUNK];
        long total = 0;
        for (int n; (n = in.read(buf)) >= 0; ) {
            total += n;
        }
        return total;
    }
}
