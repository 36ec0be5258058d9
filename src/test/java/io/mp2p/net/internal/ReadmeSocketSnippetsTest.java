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
import io.mp2p.provider.IdentityKeyManager;
import io.mp2p.provider.SecureChannelContext;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The snippets of README.md's "Running an existing client or server over mp2p", compiled and run. The lines
 * between "README block" and "end of block" are the README's; {@code ctx} is a real {@code SecureChannelContext}
 * per identity, and its sockets run over mp2p streams between two channels on the loopback interface.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReadmeSocketSnippetsTest {
    private final ChannelOptions options = ChannelOptions.builder().networkInterface("lo").ttl(0)
            .port(io.mp2p.LoopbackPorts.free()).build();
    private final Mp2pIdentity server = Mp2pIdentity.generate();
    private final Mp2pIdentity client = Mp2pIdentity.generate();
    private final PeerKey serverKey = server.publicKey();

    private final java.util.List<SecureChannelContext> contexts = new java.util.ArrayList<>();

    /** A real context for one identity: the README's {@code ctx}. */
    private SecureChannelContext contextFor(Mp2pIdentity identity) throws Exception {
        SecureChannelContext ctx = SecureChannelContext.getInstance("mp2p");
        ctx.init(new javax.net.ssl.KeyManager[] {IdentityKeyManager.of(identity)}, null, null);
        contexts.add(ctx);
        return ctx;
    }

    @AfterEach
    void wipe() {
        contexts.forEach(SecureChannelContext::close);
        server.destroy();
        client.destroy();
    }

    /** Mirrors the second block: MockWebServer on our server socket factory. */
    private MockWebServer mockWebServer() throws Exception {
        SecureChannelContext ctx = contextFor(server);
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
        SecureChannelContext ctx = contextFor(client);
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
        SecureChannelContext serverContext = contextFor(server);
        CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
            SecureChannelContext ctx = serverContext;
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
        SecureChannelContext ctx = contextFor(client);
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
