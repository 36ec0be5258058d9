package io.mp2p.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bench's bulk transfer counts only bytes that arrived as written: over a TCP connection on
 * 127.0.0.1 whose reading end is tampered with, a changed or a lost byte fails the slice instead of
 * being counted as goodput.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BulkTransferTest {
    private static final long WRITE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Past the first write, and not on a write boundary. */
    private static final long TAMPER_AT = 100_003;

    @Test
    void aCleanStreamCountsEveryByteWritten() throws Exception {
        try (Connection c = new Connection(UnaryOperator.identity())) {
            StreamSlice first = c.bulk.run(WRITE_NANOS);
            StreamSlice second = c.bulk.run(WRITE_NANOS);
            for (StreamSlice s : new StreamSlice[] {first, second}) {
                assertTrue(s.bytes() >= StreamPattern.WRITE_SIZE, "bytes " + s.bytes());
                assertEquals(0, s.bytes() % StreamPattern.WRITE_SIZE, "whole writes only: " + s.bytes());
                assertTrue(s.nanos() > 0, "nanos " + s.nanos());
            }
        }
    }

    @Test
    void aChangedByteFailsTheSlice() throws Exception {
        try (Connection c = new Connection(in -> new Tamper(in, false))) {
            BenchException e = assertThrows(BenchException.class, () -> runUntilPast(c));
            assertTrue(e.getMessage().contains("not the ones written"), e.getMessage());
        }
    }

    @Test
    void aLostByteFailsTheSlice() throws Exception {
        try (Connection c = new Connection(in -> new Tamper(in, true))) {
            BenchException e = assertThrows(BenchException.class, () -> runUntilPast(c));
            // The bytes after it are out of step with the pattern; were it the last one read, the count is short.
            assertTrue(e.getMessage().contains("not the ones written") || e.getMessage().contains("arrived where"),
                    e.getMessage());
        }
    }

    /** Slices until the writes have passed the tampered offset (one usually does). */
    private static void runUntilPast(Connection c) throws IOException, BenchException {
        long total = 0;
        while (total <= TAMPER_AT) {
            total += c.bulk.run(WRITE_NANOS).bytes();
        }
    }

    /** Flips (or drops) the byte at {@link #TAMPER_AT}. */
    private static final class Tamper extends FilterInputStream {
        private final boolean drop;
        private long position;

        Tamper(InputStream in, boolean drop) {
            super(in);
            this.drop = drop;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0 && position <= TAMPER_AT && TAMPER_AT < position + n) {
                int at = off + (int) (TAMPER_AT - position);
                if (drop) {
                    System.arraycopy(b, at + 1, b, at, off + n - at - 1);
                    position += n;
                    return n - 1;
                }
                b[at] ^= 1;
            }
            position += Math.max(n, 0);
            return n;
        }
    }

    private static final class Connection implements AutoCloseable {
        final Socket writer;
        final Socket reader;
        final BulkTransfer bulk;

        Connection(UnaryOperator<InputStream> tamper) throws IOException {
            try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                writer = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                reader = server.accept();
            }
            bulk = new BulkTransfer("test", tamper.apply(reader.getInputStream()), writer.getOutputStream());
        }

        @Override
        public void close() throws IOException {
            bulk.stopping();
            writer.close();
            reader.close();
            bulk.close();
        }
    }
}
