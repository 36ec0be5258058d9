package io.mp2p.cli.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

/**
 * The baseline for streams: plain TCP on 127.0.0.1, two connections (bulk, and request and reply),
 * with the JDK's and the kernel's defaults (Nagle on, i.e. {@code TCP_NODELAY} off; buffers
 * autotuned). Strict request and reply never has unacknowledged data when it writes, so Nagle does
 * not hold the requests back.
 */
final class TcpStreams implements StreamContender {
    private static final int BACKLOG = 2;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final Socket[] sockets = new Socket[4];
    private final BulkTransfer bulk;
    private final StreamRoundTrip roundTrip;

    TcpStreams() throws IOException {
        try (ServerSocket server = new ServerSocket(0, BACKLOG, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(CONNECT_TIMEOUT_MILLIS);
            for (int i = 0; i < sockets.length; i += 2) {
                Socket client = new Socket();
                sockets[i] = client;
                client.setTcpNoDelay(false);
                client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()),
                        CONNECT_TIMEOUT_MILLIS);
                sockets[i + 1] = server.accept();
                sockets[i + 1].setTcpNoDelay(false);
            }
            Socket pinger = sockets[2];
            pinger.setSoTimeout((int) TimeUnit.NANOSECONDS.toMillis(RoundTripper.REPLY_TIMEOUT_NANOS));
            bulk = new BulkTransfer("TCP", sockets[1].getInputStream(), sockets[0].getOutputStream());
            roundTrip = new StreamRoundTrip("TCP", pinger.getInputStream()::read, pinger.getOutputStream(),
                    sockets[3].getInputStream(), sockets[3].getOutputStream());
        } catch (IOException | RuntimeException e) {
            closeSockets();
            throw e;
        }
    }

    @Override
    public BulkTransfer bulk() {
        return bulk;
    }

    @Override
    public StreamRoundTrip roundTrip() {
        return roundTrip;
    }

    @Override
    public void close() {
        bulk.stopping();
        roundTrip.stopping();
        closeSockets();
        bulk.close();
        roundTrip.close();
    }

    private void closeSockets() {
        for (Socket s : sockets) {
            if (s != null) {
                try {
                    s.close();
                } catch (IOException e) {
                    // Closing a socket on loopback at the end of the run: nothing left to lose.
                }
            }
        }
    }
}
