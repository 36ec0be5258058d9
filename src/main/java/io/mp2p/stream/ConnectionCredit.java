package io.mp2p.stream;

/**
 * Connection-level flow control (RFC 9000 §4.1-4.2), both ways: the credit the peer gave this side
 * (MAX_DATA received) and the credit this side gives the peer. A limit is enforced as last sent: the
 * peer cannot know of a larger one yet.
 */
final class ConnectionCredit {
    private final long window;
    private long peerMaxData = StreamConstants.INITIAL_MAX_DATA;
    private long dataSent;
    private long localMaxData = StreamConstants.INITIAL_MAX_DATA;
    private long localMaxDataSent = StreamConstants.INITIAL_MAX_DATA;
    private long dataReceived;
    private long dataConsumed;
    private boolean announced;
    private boolean pending;

    ConnectionCredit(long window) {
        this.window = window;
    }

    /** New stream bytes this side may still send. */
    long sendCredit() {
        return peerMaxData - dataSent;
    }

    void onMaxData(long max) {
        peerMaxData = Math.max(peerMaxData, max);
    }

    void onNewDataSent(long bytes) {
        dataSent += bytes;
    }

    /** Whether the peer may send {@code bytes} more new stream bytes. */
    boolean mayReceive(long bytes) {
        return dataReceived + bytes <= localMaxDataSent;
    }

    void onNewDataReceived(long bytes) {
        dataReceived += bytes;
    }

    /** The application read (or a reset or stop dropped) {@code bytes}: offer more when half the window is used. */
    void onConsumed(long bytes) {
        dataConsumed += bytes;
        if (announced && localMaxData - dataConsumed < window / 2) {
            localMaxData = dataConsumed + window;
            pending = true;
        }
    }

    /** The first stream: the whole window is offered at once (the initial credit may be smaller). */
    void announce() {
        if (announced) {
            return;
        }
        announced = true;
        if (dataConsumed + window > localMaxData) {
            localMaxData = dataConsumed + window;
            pending = true;
        }
    }

    boolean maxDataPending() {
        return pending;
    }

    long maxData() {
        return localMaxData;
    }

    void onMaxDataSent() {
        pending = false;
        localMaxDataSent = Math.max(localMaxDataSent, localMaxData);
    }

    void onMaxDataLost() {
        pending = true;
    }

    long dataReceived() {
        return dataReceived;
    }
}
