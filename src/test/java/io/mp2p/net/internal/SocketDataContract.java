package io.mp2p.net.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The data path of an mp2p socket behaves as a TCP socket's: bytes in order both ways, half-close, FIN and RST on
 * close, SO_TIMEOUT, blocking writes with bounded buffers, and close waking blocked calls.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class SocketDataContract extends WorldFixture {
    private static final int BULK_BYTES = 1 << 20;
    private static final int CHUNK = 1024;
    private static final int SHORT_TIMEOUT_MILLIS = 100;

    @Test
    void megabytesFlowBothWaysAtOnceInOrder() throws Exception {
        Socket[] p = pair();
        byte[] up = random(BULK_BYTES, 1);
        byte[] down = random(BULK_BYTES, 2);
        // Both write before either reads: with bounded buffers this only finishes if each direction flows alone.
        Future<?> clientWrites = threads.submit(() -> writeAndFinish(p[0], up));
        Future<?> serverWrites = threads.submit(() -> writeAndFinish(p[1], down));
        Future<byte[]> serverReads = threads.submit(() -> readAll(p[1].getInputStream()));
        byte[] got = readAll(p[0].getInputStream());
        await(clientWrites);
        await(serverWrites);
        assertArrayEquals(down, got);
        assertArrayEquals(up, await(serverReads));
        p[0].close();
        p[1].close();
    }

    @Test
    void shutdownOutputIsAHalfClose() throws Exception {
        Socket[] p = pair();
        p[0].getOutputStream().write(ascii("request"));
        p[0].shutdownOutput();
        assertTrue(p[0].isOutputShutdown());
        assertThrows(SocketException.class, () -> p[0].getOutputStream().write(1), "no writes after FIN");
        assertEquals("request", new String(readAll(p[1].getInputStream()), StandardCharsets.US_ASCII),
                "the server reads to the end of the client's half");
        // The other direction still works after the client's FIN.
        p[1].getOutputStream().write(ascii("reply"));
        p[1].close();
        assertEquals("reply", new String(readAll(p[0].getInputStream()), StandardCharsets.US_ASCII));
        assertFalse(p[0].isClosed(), "a half-closed socket stays open");
        p[0].close();
    }

    @Test
    void soTimeoutEndsAReadButNotTheSocket() throws Exception {
        Socket[] p = pair();
        p[0].setSoTimeout(SHORT_TIMEOUT_MILLIS);
        assertEquals(SHORT_TIMEOUT_MILLIS, p[0].getSoTimeout());
        InputStream in = p[0].getInputStream();
        assertThrows(SocketTimeoutException.class, in::read);
        p[1].getOutputStream().write(42);
        p[0].setSoTimeout(CONNECT_TIMEOUT_MILLIS);
        assertEquals(42, in.read(), "the socket still reads after a timeout");
        assertFalse(p[0].isClosed());
        p[0].close();
        p[1].close();
    }

    @Test
    void shutdownInputMakesReadsReturnEndOfStream() throws Exception {
        Socket[] p = pair();
        InputStream in = p[0].getInputStream();
        p[1].getOutputStream().write(ascii("ignored"));
        p[0].shutdownInput();
        assertTrue(p[0].isInputShutdown());
        assertEquals(-1, in.read());
        assertThrows(SocketException.class, p[0]::getInputStream, "as java.net: no new stream once shut down");
        p[0].getOutputStream().write(ascii("still writes"));
        p[0].close();
        assertEquals("still writes", new String(readAll(p[1].getInputStream()), StandardCharsets.US_ASCII));
        p[1].close();
    }

    @Test
    void closeAfterReadingEverythingIsAnOrderlyEnd() throws Exception {
        Socket[] p = pair();
        p[1].getOutputStream().write(ascii("last words"));
        p[1].close();
        assertTrue(p[1].isClosed());
        assertEquals("last words", new String(readAll(p[0].getInputStream()), StandardCharsets.US_ASCII),
                "bytes written before close arrive, then the end of the stream");
        assertThrows(SocketException.class, () -> p[1].getInputStream(), "a closed socket has no streams");
        p[0].close();
    }

    @Test
    void closeWithUnreadBytesResetsThePeer() throws Exception {
        Socket[] p = pair();
        p[0].getOutputStream().write(ascii("never read"));
        awaitTrue("the server has the bytes", () -> available(p[1]) > 0);
        p[1].close();
        InputStream in = p[0].getInputStream();
        IOException e = assertThrows(IOException.class, () -> in.read(), "a reset, not an orderly end");
        assertResetNotClosed(e);
        p[0].close();
    }

    @Test
    void soLingerZeroMakesCloseAnAbort() throws Exception {
        Socket[] p = pair();
        p[1].setSoLinger(true, 0);
        assertEquals(0, p[1].getSoLinger());
        p[1].close();
        IOException e = assertThrows(IOException.class, () -> p[0].getInputStream().read());
        assertResetNotClosed(e);
        p[0].close();
    }

    @Test
    void closeWakesABlockedRead() throws Exception {
        Socket[] p = pair();
        CompletableFuture<Thread> reader = new CompletableFuture<>();
        Future<Integer> read = threads.submit(() -> {
            reader.complete(Thread.currentThread());
            return p[0].getInputStream().read();
        });
        awaitParked(await(reader));
        p[0].close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(read));
        assertTrue(e.getCause() instanceof SocketException, "a read woken by close: " + e.getCause());
        p[1].close();
    }

    @Test
    void writesBlockWhenThePeerStopsReadingAndCloseWakesThem() throws Exception {
        Socket[] p = pair();
        AtomicLong written = new AtomicLong();
        CompletableFuture<Thread> writer = new CompletableFuture<>();
        Future<?> writes = threads.submit(() -> {
            writer.complete(Thread.currentThread());
            OutputStream out = p[0].getOutputStream();
            byte[] chunk = new byte[CHUNK];
            while (true) {
                out.write(chunk);
                written.addAndGet(chunk.length);
            }
        });
        awaitParked(await(writer));
        long stuck = written.get();
        assertTrue(stuck <= world.maxBufferedBytes(), "a reader that does not read stops the writer: "
                + stuck + " bytes taken, the bound is " + world.maxBufferedBytes());
        p[0].close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(writes));
        assertTrue(e.getCause() instanceof SocketException, "a write woken by close: " + e.getCause());
        p[1].close();
    }

    @Test
    void aBlockedWriterGoesOnOnceThePeerReads() throws Exception {
        Socket[] p = pair();
        byte[] data = random((int) Math.min(Integer.MAX_VALUE / 2, 4 * world.maxBufferedBytes()), 3);
        CompletableFuture<Thread> writer = new CompletableFuture<>();
        Future<?> writes = threads.submit(() -> {
            writer.complete(Thread.currentThread());
            writeAndFinish(p[0], data);
            return null;
        });
        awaitParked(await(writer));
        assertArrayEquals(data, readAll(p[1].getInputStream()));
        await(writes);
        p[0].close();
        p[1].close();
    }

    @Test
    void writingToAClosedPeerFails() throws Exception {
        Socket[] p = pair();
        p[1].close();
        assertEndOfStream(p[0].getInputStream());
        // TCP may take one write before the peer's RST comes back; a few writes must fail.
        OutputStream out = p[0].getOutputStream();
        assertThrows(IOException.class, () -> {
            for (int i = 0; i < CHUNK; i++) {
                out.write(new byte[CHUNK]);
                Thread.sleep(1);
            }
        });
        p[0].close();
    }

    private static void assertResetNotClosed(IOException e) {
        assertFalse(String.valueOf(e.getMessage()).contains(StreamSocketImpl.CLOSED),
                "the peer's reset, not our own close: " + e);
    }

    private static int available(Socket s) {
        try {
            return s.getInputStream().available();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Void writeAndFinish(Socket s, byte[] data) throws IOException {
        s.getOutputStream().write(data);
        s.shutdownOutput();
        return null;
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
