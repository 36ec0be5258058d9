package io.mp2p.net.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the socket contracts share: a {@link StreamWorld} from {@link #newWorld()} (the one line to change to run
 * them over other streams), a listening server socket, and bounded waits.
 */
abstract class WorldFixture {
    /** Generous bounds for waits on other threads: they end as soon as the awaited thing happens. */
    static final long WAIT_SECONDS = 20;
    static final int CONNECT_TIMEOUT_MILLIS = 20_000;
    private static final long POLL_MILLIS = 5;

    StreamWorld world;
    ServerSocket server;
    InetSocketAddress serverAddress;
    /** Blocking calls get threads of their own: the common pool may have one thread on 2 cores. */
    final ExecutorService threads = Executors.newCachedThreadPool();

    /** The streams the tests run over. */
    abstract StreamWorld newWorld();

    @BeforeEach
    void startServer() throws IOException {
        world = newWorld();
        server = world.serverSocketFactory().createServerSocket(0);
        serverAddress = new InetSocketAddress(world.resolver().address(world.serverKey()), server.getLocalPort());
    }

    @AfterEach
    void stopServer() throws IOException {
        threads.shutdownNow();
        server.close();
        world.close();
    }

    /** A client socket made unconnected, then connected with a timeout, as OkHttp does. */
    Socket connect() throws IOException {
        Socket s = world.socketFactory().createSocket();
        s.connect(serverAddress, CONNECT_TIMEOUT_MILLIS);
        return s;
    }

    Future<Socket> acceptAsync() {
        return threads.submit(server::accept);
    }

    /** A connected pair: [0] the client's socket, [1] the server's. */
    Socket[] pair() throws Exception {
        Future<Socket> accepted = acceptAsync();
        Socket client = connect();
        return new Socket[] {client, accepted.get(WAIT_SECONDS, TimeUnit.SECONDS)};
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** Waits until {@code condition} holds, failing after {@link #WAIT_SECONDS}. */
    static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within " + WAIT_SECONDS + " s: " + what);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Waits until {@code t} is parked (blocked in a read, write or accept). */
    static void awaitParked(Thread t) throws InterruptedException {
        awaitTrue(t.getName() + " blocks", () -> t.getState() == Thread.State.WAITING
                || t.getState() == Thread.State.TIMED_WAITING);
    }

    /** Every byte until the end of the stream. */
    static byte[] readAll(InputStream in) throws IOException {
        return in.readAllBytes();
    }

    static void assertEndOfStream(InputStream in) throws IOException {
        assertTrue(in.read() == -1, "end of stream expected");
    }
}
