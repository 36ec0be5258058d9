package io.mp2p.cli.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * JSSE DTLS 1.2 carrying application data over UDP on 127.0.0.1: the client engine wraps each
 * message on the benchmark's thread and sends it; a receiver thread reads, unwraps and counts.
 * One handshake at start; then records only.
 */
final class DtlsDatagrams implements DatagramContender {
    private static final long JOIN_MILLIS = 1000;

    private final DatagramChannel clientSocket;
    private final DatagramChannel serverSocket;
    private final SSLEngine client;
    private final SSLEngine server;
    private final SliceCounter counter = new SliceCounter();
    private final ByteBuffer net = ByteBuffer.allocate(DtlsSocketHandshake.BUFFER);
    private final Thread receiver;

    DtlsDatagrams(DtlsContext context) throws IOException, BenchException, InterruptedException {
        clientSocket = DtlsSocketHandshake.socket();
        serverSocket = DtlsSocketHandshake.socket();
        try {
            DtlsSocketHandshake.connect(clientSocket, serverSocket);
            client = context.engine(true);
            server = context.engine(false);
            handshake();
        } catch (IOException | BenchException | InterruptedException | RuntimeException e) {
            clientSocket.close();
            serverSocket.close();
            throw e;
        }
        receiver = new Thread(this::receive, "bench-dtls-receiver");
        receiver.setDaemon(true);
        receiver.start();
    }

    private void handshake() throws BenchException, InterruptedException, IOException {
        ExecutorService side = Executors.newSingleThreadExecutor();
        try {
            long deadline = System.nanoTime() + DtlsConnectLatency.HANDSHAKE_TIMEOUT_NANOS;
            Future<Void> done = side.submit(() -> {
                DtlsSocketHandshake.run(server, serverSocket, deadline);
                return null;
            });
            DtlsSocketHandshake.run(client, clientSocket, deadline);
            done.get(DtlsConnectLatency.HANDSHAKE_TIMEOUT_NANOS, TimeUnit.NANOSECONDS);
        } catch (SSLException | ExecutionException | TimeoutException e) {
            throw new BenchException("DTLS: the handshake over 127.0.0.1 failed: " + e.getMessage(), e);
        } finally {
            side.shutdownNow();
        }
    }

    /** The cipher suite the two engines agreed on, e.g. TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384. */
    String cipherSuite() {
        return client.getSession().getCipherSuite();
    }

    private void receive() {
        ByteBuffer in = ByteBuffer.allocate(DtlsSocketHandshake.BUFFER);
        ByteBuffer app = ByteBuffer.allocate(DtlsSocketHandshake.BUFFER);
        try {
            while (true) {
                in.clear();
                serverSocket.receive(in);
                in.flip();
                app.clear();
                SSLEngineResult r = server.unwrap(in, app);
                if (r.getStatus() == SSLEngineResult.Status.OK && r.bytesProduced() > 0) {
                    app.flip();
                    counter.onMessage(app);
                }
            }
        } catch (ClosedChannelException e) {
            // close(): the run is over
        } catch (IOException e) {
            System.err.println("mp2p bench: the DTLS receiver stopped: " + e.getMessage());
        }
    }

    @Override
    public SliceCounter.Run run(int size, long sendNanos, long drainDeadline) throws IOException {
        ByteBuffer message = ByteBuffer.allocate(size);
        int tag = counter.begin();
        message.putInt(0, tag);
        long sent = 0;
        long start = System.nanoTime();
        long end = start + sendNanos;
        do {
            for (int i = 0; i < UdpDatagrams.BATCH; i++) {
                message.clear();
                net.clear();
                SSLEngineResult r = client.wrap(message, net);
                if (r.getStatus() != SSLEngineResult.Status.OK || message.hasRemaining()) {
                    throw new SSLException("DTLS wrap of a " + size + "-byte message: " + r);
                }
                net.flip();
                clientSocket.write(net);
            }
            sent += UdpDatagrams.BATCH;
        } while (System.nanoTime() - end < 0);
        long sendEnd = System.nanoTime();
        return counter.finish(tag, sent, start, sendEnd, drainDeadline);
    }

    @Override
    public long arrived() {
        return counter.total();
    }

    @Override
    public void close() {
        UdpDatagrams.closeQuietly(clientSocket);
        UdpDatagrams.closeQuietly(serverSocket);
        try {
            receiver.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
