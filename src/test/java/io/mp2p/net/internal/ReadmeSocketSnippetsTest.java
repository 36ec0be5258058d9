package io.mp2p.net.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.mp2p.ChannelOptions;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;
import io.mp2p.net.Mp2pSockets;
import io.mp2p.net.PeerResolver;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The snippets of README.md's "Running an existing client or server over mp2p", compiled and run. The lines
 * between "README block" and "end of block" are the README's. Their {@code ctx} is a stand-in with the context's
 * two factory methods over in-memory streams, because the context's own are not wired to the stream layer yet;
 * once they are, the stand-in gives way to a real {@code SecureChannelContext} and nothing else changes.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadmeSocketSnippetsTest {
    private final ChannelOptions options = ChannelOptions.defaults();
    private final MemoryStreams net = new MemoryStreams(StreamWorld.MEMORY_BUFFER_BYTES, PeerResolver.of(options));
    private final Mp2pIdentity server = Mp2pIdentity.generate();
    private final Mp2pIdentity client = Mp2pIdentity.generate();
    private final PeerKey serverKey = server.publicKey();

    /** {@code SecureChannelContext}'s socket factory methods, for one identity, over in-memory streams. */
    private final class StandInContext {
        private final PeerKey identity;

        StandInContext(Mp2pIdentity identity) {
            this.identity = identity.publicKey();
        }

        SocketFactory getSocketFactory(ChannelOptions o) {
            return new StreamSocketFactory(net.node(identity), PeerResolver.of(o));
        }

        ServerSocketFactory getServerSocketFactory(ChannelOptions o) {
            return new StreamServerSocketFactory(net.node(identity), PeerResolver.of(o));
        }
    }

    @AfterEach
    void wipe() {
        server.destroy();
        client.destroy();
    }

    /** Mirrors the second block: MockWebServer on our server socket factory. */
    private MockWebServer mockWebServer() throws Exception {
        StandInContext ctx = new StandInContext(server);
        Mp2pIdentity me = server;
        // README block
        MockWebServer server = new MockWebServer();
        server.setServerSocketFactory(ctx.getServerSocketFactory(options));
        server.enqueue(new MockResponse.Builder().body("hello over mp2p").build());
        server.start(PeerResolver.of(options).address(me.publicKey()), 8080);   // http://<our base32>.mp2p:8080/
        // end of block
        return server;
    }

    /** Mirrors the first block, OkHttp with our socket factory and resolver, against the second. */
    @Test
    void okHttpClientAndMockWebServer() throws Exception {
        StandInContext ctx = new StandInContext(client);
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        OkHttpClient shutDown = null;
        try (MockWebServer mock = mockWebServer()) {
            assertEquals("http://" + serverKey.hostName() + ":8080/hello", mock.url("/hello").toString());
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            // README block
            SocketFactory sockets = ctx.getSocketFactory(options);           // streams to peers, from our identity
            PeerResolver peers = PeerResolver.of(options);                   // <base32>.mp2p -> the peer's address
            OkHttpClient client = new OkHttpClient.Builder()
                    .socketFactory(sockets)
                    .dns(host -> List.of(peers.address(host)))              // or peers::lookup
                    .build();
            Request request = new Request.Builder().url("http://" + serverKey.hostName() + ":8080/hello").build();
            try (Response response = client.newCall(request).execute()) {
                System.out.println(response.body().string());
            }
            // end of block
            shutDown = client;
            assertEquals("/hello", mock.takeRequest(WorldFixture.WAIT_SECONDS, TimeUnit.SECONDS).getTarget());
        } finally {
            System.setOut(stdout);
            if (shutDown != null) {
                shutDown.dispatcher().executorService().shutdown();
                shutDown.connectionPool().evictAll();
            }
        }
        assertEquals("hello over mp2p" + System.lineSeparator(), printed.toString(StandardCharsets.UTF_8));
    }

    /** Mirrors the third block: a plain server socket tells its client's key. */
    @Test
    void plainSocketsAndThePeerKey() throws Exception {
        CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
            StandInContext ctx = new StandInContext(server);
            try {
                // README block
                try (ServerSocket listener = ctx.getServerSocketFactory(options).createServerSocket(7000);
                     Socket s = listener.accept()) {
                    PeerKey client = Mp2pSockets.peerKey(s).orElseThrow();
                    s.getOutputStream().write(("hello " + client.toHex()).getBytes(StandardCharsets.UTF_8));
                }
                // end of block
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, runnable -> new Thread(runnable, "readme-listener").start());
        StandInContext ctx = new StandInContext(client);
        Socket s = null;
        for (int attempt = 0; s == null; attempt++) {
            try {
                s = ctx.getSocketFactory(options).createSocket(serverKey.hostName(), 7000);
            } catch (java.net.ConnectException notYetListening) {
                assertTrue(attempt < WorldFixture.WAIT_SECONDS * 100, "the README's listener never listened");
                Thread.sleep(10);
            }
        }
        try (Socket connected = s) {
            assertEquals("hello " + client.publicKey().toHex(),
                    new String(connected.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        served.get(WorldFixture.WAIT_SECONDS, TimeUnit.SECONDS);
    }
}
