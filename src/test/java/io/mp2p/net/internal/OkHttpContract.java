package io.mp2p.net.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;

/**
 * Real third-party code on both ends: an OkHttp 5 client given only our {@code SocketFactory} and
 * {@code PeerResolver}, and OkHttp's MockWebServer given only our {@code ServerSocketFactory}, both unmodified.
 * The URL's host is the server's {@code <base32>.mp2p} name.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class OkHttpContract {
    private static final int TEN_MIB = 10 << 20;
    private static final int CONCURRENT = 8;
    private static final int KEEP_ALIVE_REQUESTS = 10;
    private static final int CUT_BODY_BYTES = 1 << 20;
    private static final long DOWNLOAD_SEED = 7;
    private static final long UPLOAD_SEED = 8;
    /** Bounds every wait: a broken stream fails the test within this, never hangs it. */
    private static final Duration IO_TIMEOUT = Duration.ofSeconds(30);
    private static final MediaType BYTES = MediaType.get("application/octet-stream");
    private static final String DIGEST_HEADER = "X-Body-Sha256";
    private static final int UNAVAILABLE = 503;

    private StreamWorld world;
    private MockWebServer server;
    private OkHttpClient client;
    private final CountDownLatch gate = new CountDownLatch(CONCURRENT);
    private final ExecutorService threads = Executors.newCachedThreadPool();

    /** The streams the tests run over. */
    abstract StreamWorld newWorld();

    @BeforeEach
    void start() throws IOException {
        world = newWorld();
        server = new MockWebServer();
        server.setServerSocketFactory(world.serverSocketFactory());
        server.setDispatcher(new Routes());
        server.start(world.serverAcceptor().localAddress(), 0);
        client = new OkHttpClient.Builder()
                .socketFactory(world.socketFactory())
                .dns(world.resolver()::lookup)
                .connectTimeout(IO_TIMEOUT)
                .readTimeout(IO_TIMEOUT)
                .writeTimeout(IO_TIMEOUT)
                .build();
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
        server.close();
        world.close();
    }

    /** What the server answers, by path. */
    private final class Routes extends Dispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
            String path = request.getUrl().encodedPath();
            byte[] body = request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
            return switch (path) {
                case "/echo" -> new MockResponse.Builder().body("you said: " + utf8(body)).build();
                case "/upload" -> new MockResponse.Builder().setHeader(DIGEST_HEADER, sha256(body))
                        .body(new Buffer().write(SocketDataContract.random(TEN_MIB, DOWNLOAD_SEED))).build();
                case "/gate" -> {
                    gate.countDown();
                    // Every response waits until all requests are in: they must be in flight at once.
                    boolean all = gate.await(IO_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                    yield all ? new MockResponse.Builder().body(request.getUrl().queryParameter("n")).build()
                            : new MockResponse.Builder().code(UNAVAILABLE).build();
                }
                case "/cut" -> new MockResponse.Builder()
                        .body(new Buffer().write(new byte[CUT_BODY_BYTES]))
                        .onResponseBody(new SocketEffect.CloseSocket())
                        .build();
                default -> new MockResponse.Builder().code(404).build();
            };
        }
    }

    private HttpUrl url(String path) {
        return server.url(path);
    }

    @Test
    void smallBodiesBothWays() throws Exception {
        assertEquals(world.serverKey().hostName(), url("/").host(), "the URL names the server by its key");
        Request post = new Request.Builder().url(url("/echo"))
                .post(RequestBody.create("hello over mp2p", MediaType.get("text/plain"))).build();
        try (Response r = client.newCall(post).execute()) {
            assertEquals(200, r.code());
            assertEquals("you said: hello over mp2p", r.body().string());
        }
        RecordedRequest got = server.takeRequest(IO_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertEquals("POST", got.getMethod());
        assertEquals(world.serverKey().hostName() + ":" + server.getPort(), got.getHeaders().get("Host"));
    }

    @Test
    void tenMebibytesEachWay() throws Exception {
        byte[] upload = SocketDataContract.random(TEN_MIB, UPLOAD_SEED);
        Request post = new Request.Builder().url(url("/upload")).post(RequestBody.create(upload, BYTES, 0,
                upload.length)).build();
        try (Response r = client.newCall(post).execute()) {
            assertEquals(200, r.code());
            assertEquals(sha256(upload), r.header(DIGEST_HEADER), "the server got the upload byte for byte");
            assertArrayEquals(SocketDataContract.random(TEN_MIB, DOWNLOAD_SEED), r.body().bytes());
        }
    }

    @Test
    void eightRequestsAtOnce() throws Exception {
        List<Future<String>> answers = new ArrayList<>();
        for (int i = 0; i < CONCURRENT; i++) {
            Request get = new Request.Builder().url(url("/gate").newBuilder().addQueryParameter("n", "" + i).build())
                    .build();
            answers.add(threads.submit(() -> {
                try (Response r = client.newCall(get).execute()) {
                    assertEquals(200, r.code(), "all " + CONCURRENT + " requests were in flight together");
                    return r.body().string();
                }
            }));
        }
        for (int i = 0; i < CONCURRENT; i++) {
            assertEquals("" + i, answers.get(i).get(IO_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        }
        Set<Integer> connections = new HashSet<>();
        for (int i = 0; i < CONCURRENT; i++) {
            connections.add(server.takeRequest(IO_TIMEOUT.toSeconds(), TimeUnit.SECONDS).getConnectionIndex());
        }
        assertEquals(CONCURRENT, connections.size(), "HTTP/1.1 runs concurrent requests on separate streams");
    }

    @Test
    void keepAliveReusesOneStream() throws Exception {
        for (int i = 0; i < KEEP_ALIVE_REQUESTS; i++) {
            Request post = new Request.Builder().url(url("/echo")).post(RequestBody.create("n" + i,
                    MediaType.get("text/plain"))).build();
            try (Response r = client.newCall(post).execute()) {
                assertEquals("you said: n" + i, r.body().string());
            }
        }
        for (int i = 0; i < KEEP_ALIVE_REQUESTS; i++) {
            RecordedRequest got = server.takeRequest(IO_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertEquals(0, got.getConnectionIndex(), "every request on the first connection");
            assertEquals(i, got.getExchangeIndex());
        }
        assertEquals(1, client.connectionPool().connectionCount(), "one pooled connection");
    }

    @Test
    void aServerThatClosesMidBodyIsACleanError() throws Exception {
        Request get = new Request.Builder().url(url("/cut")).build();
        IOException e = assertThrows(IOException.class, () -> {
            try (Response r = client.newCall(get).execute()) {
                assertEquals(200, r.code());
                r.body().bytes();
            }
        });
        assertFalse(e instanceof SocketTimeoutException, "the close is seen, not waited out: " + e);
        // The client recovers: the next request opens a new stream.
        Request post = new Request.Builder().url(url("/echo")).post(RequestBody.create("again",
                MediaType.get("text/plain"))).build();
        try (Response r = client.newCall(post).execute()) {
            assertTrue(r.isSuccessful());
            assertEquals("you said: again", r.body().string());
        }
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }
}
