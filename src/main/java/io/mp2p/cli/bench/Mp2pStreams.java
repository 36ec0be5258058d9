package io.mp2p.cli.bench;

import java.io.IOException;
import java.time.Duration;

import io.mp2p.CipherSuite;
import io.mp2p.Mp2pStream;
import io.mp2p.PeerSession;
import io.mp2p.StreamListener;

/**
 * Streams through a pair of {@link io.mp2p.SecureMulticastChannel}s on {@code lo}: alice opens two
 * {@link Mp2pStream}s to a port bob listens on, one for bulk transfer and one for request and reply,
 * as {@link TcpStreams} opens two connections.
 */
final class Mp2pStreams implements StreamContender {
    private static final String NAME = "mp2p stream";
    /** Streams kept waiting for accept: the two this contender opens. */
    private static final int BACKLOG = 2;
    private static final Duration ACCEPT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REPLY_TIMEOUT = Duration.ofNanos(RoundTripper.REPLY_TIMEOUT_NANOS);
    /** A peer learns of a stream from its first bytes: the opener writes this one, the acceptor reads it. */
    private static final int HELLO = 0x6d;

    private final Mp2pPair pair;
    private final Mp2pStream[] streams = new Mp2pStream[4];
    private final BulkTransfer bulk;
    private final StreamRoundTrip roundTrip;

    Mp2pStreams(CipherSuite suite) throws IOException, BenchException, InterruptedException {
        this.pair = new Mp2pPair(suite, null);
        try {
            PeerSession toBob = pair.connect()[0];
            try (StreamListener listener = pair.bob.listenStreams(0, BACKLOG)) {
                for (int i = 0; i < streams.length; i += 2) {
                    streams[i] = toBob.openStream(listener.port());
                    streams[i].getOutputStream().write(HELLO);
                    streams[i + 1] = listener.accept(ACCEPT_TIMEOUT);
                    if (streams[i + 1].getInputStream().read() != HELLO) {
                        throw new BenchException("mp2p: a stream between two channels on lo did not carry its first byte");
                    }
                }
            }
            bulk = new BulkTransfer(NAME, streams[1].getInputStream(), streams[0].getOutputStream());
            Mp2pStream pinger = streams[2];
            roundTrip = new StreamRoundTrip(NAME, (b, off, len) -> pinger.read(b, off, len, REPLY_TIMEOUT),
                    pinger.getOutputStream(), streams[3].getInputStream(), streams[3].getOutputStream());
        } catch (IOException | BenchException | InterruptedException | RuntimeException e) {
            closeStreams();
            pair.close();
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
        closeStreams();
        pair.close();
        bulk.close();
        roundTrip.close();
    }

    private void closeStreams() {
        for (Mp2pStream s : streams) {
            if (s != null) {
                s.abort();
            }
        }
    }
}
