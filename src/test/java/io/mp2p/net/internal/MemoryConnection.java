package io.mp2p.net.internal;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.mp2p.identity.PeerKey;

/**
 * One in-memory connection: two bounded byte pipes and the two {@link ByteStream} ends on them, with a TCP socket's
 * FIN, RST and half-close rules (as {@link ByteStream} states them). One lock guards everything; every change
 * wakes every waiter, which is simple and fast enough for tests.
 */
final class MemoryConnection {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final End opener;
    private final End acceptor;
    private boolean reset;

    /** A connection from {@code openerKey}'s port {@code openerPort} to {@code acceptorKey}'s {@code port}. */
    MemoryConnection(PeerKey openerKey, int openerPort, PeerKey acceptorKey, int port, int bufferBytes) {
        Pipe toAcceptor = new Pipe(bufferBytes);
        Pipe toOpener = new Pipe(bufferBytes);
        // Each end is named by the peer it talks to.
        opener = new End(acceptorKey, openerPort, port, toOpener, toAcceptor);
        acceptor = new End(openerKey, port, openerPort, toAcceptor, toOpener);
        opener.other = acceptor;
        acceptor.other = opener;
    }

    ByteStream openerEnd() {
        return opener;
    }

    ByteStream acceptorEnd() {
        return acceptor;
    }

    /** A bounded ring of bytes in one direction. Guarded by the connection's lock. */
    private static final class Pipe {
        final byte[] ring;
        int head;
        int count;
        /** The writer sent FIN. */
        boolean fin;

        Pipe(int capacity) {
            ring = new byte[capacity];
        }

        int put(byte[] b, int off, int len) {
            int n = Math.min(len, ring.length - count);
            for (int i = 0; i < n; i++) {
                ring[(head + count + i) % ring.length] = b[off + i];
            }
            count += n;
            return n;
        }

        int take(byte[] b, int off, int len) {
            int n = Math.min(len, count);
            for (int i = 0; i < n; i++) {
                b[off + i] = ring[(head + i) % ring.length];
            }
            head = (head + n) % ring.length;
            count -= n;
            return n;
        }

        void clear() {
            head = 0;
            count = 0;
        }
    }

    private final class End implements ByteStream {
        private final PeerKey peer;
        private final int localPort;
        private final int remotePort;
        private final Pipe in;
        private final Pipe out;
        End other;
        /** This side closed or aborted. */
        boolean closed;
        boolean inputShut;
        boolean outputShut;

        End(PeerKey peer, int localPort, int remotePort, Pipe in, Pipe out) {
            this.peer = peer;
            this.localPort = localPort;
            this.remotePort = remotePort;
            this.in = in;
            this.out = out;
        }

        @Override
        public int read(byte[] b, int off, int len, Duration timeout) throws IOException {
            long deadline = System.nanoTime() + timeout.toNanos();
            lock.lock();
            try {
                while (true) {
                    if (closed) {
                        throw new SocketException("Socket closed");
                    }
                    if (inputShut) {
                        return -1;
                    }
                    if (len == 0) {
                        return 0;
                    }
                    if (reset) {
                        // A reset loses what was not read, as RESET_STREAM does.
                        throw new SocketException("Connection reset");
                    }
                    if (in.count > 0) {
                        int n = in.take(b, off, len);
                        changed.signalAll();
                        return n;
                    }
                    if (in.fin) {
                        return -1;
                    }
                    await(timeout.isZero() ? Long.MAX_VALUE : deadline - System.nanoTime());
                }
            } finally {
                lock.unlock();
            }
        }

        /** Waits for a change; the loop looks again. Long.MAX_VALUE: without bound. */
        private void await(long nanosLeft) throws IOException {
            if (nanosLeft <= 0) {
                throw new SocketTimeoutException("Read timed out");
            }
            try {
                if (nanosLeft == Long.MAX_VALUE) {
                    changed.await();
                } else {
                    changed.awaitNanos(nanosLeft);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
        }

        @Override
        public int available() throws IOException {
            lock.lock();
            try {
                if (closed) {
                    throw new SocketException("Socket closed");
                }
                return inputShut || reset ? 0 : in.count;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            lock.lock();
            try {
                while (true) {
                    if (closed) {
                        throw new SocketException("Socket closed");
                    }
                    if (reset) {
                        throw new SocketException("Connection reset");
                    }
                    if (outputShut) {
                        throw new SocketException("Socket output is shutdown");
                    }
                    if (other.closed) {
                        // Bytes to a closed socket make it answer RST, as TCP does.
                        resetLocked();
                        throw new SocketException("Connection reset by peer");
                    }
                    if (len == 0) {
                        return;
                    }
                    if (other.inputShut) {
                        return;  // discarded by the peer, as after shutdownInput on TCP
                    }
                    int n = out.put(b, off, len);
                    if (n > 0) {
                        off += n;
                        len -= n;
                        changed.signalAll();
                        continue;
                    }
                    try {
                        changed.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted");
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void shutdownOutput() throws IOException {
            lock.lock();
            try {
                if (closed) {
                    throw new SocketException("Socket closed");
                }
                outputShut = true;
                out.fin = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void shutdownInput() throws IOException {
            lock.lock();
            try {
                if (closed) {
                    throw new SocketException("Socket closed");
                }
                inputShut = true;
                in.clear();
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            lock.lock();
            try {
                if (closed) {
                    return;
                }
                if (in.count > 0 && !inputShut && !reset) {
                    resetLocked();
                } else {
                    out.fin = true;
                }
                closed = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void abort() {
            lock.lock();
            try {
                closed = true;
                resetLocked();
            } finally {
                lock.unlock();
            }
        }

        private void resetLocked() {
            reset = true;
            in.clear();
            out.clear();
            changed.signalAll();
        }

        @Override
        public PeerKey peer() {
            return peer;
        }

        @Override
        public int localPort() {
            return localPort;
        }

        @Override
        public int remotePort() {
            return remotePort;
        }

        @Override
        public boolean isOpen() {
            lock.lock();
            try {
                return !closed && !reset;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public String toString() {
            return "memory stream to " + peer.toHex().substring(0, 8) + ":" + remotePort;
        }
    }
}
