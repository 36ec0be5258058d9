package io.mp2p;

/** The channel or session was closed (by us, or by the peer). */
public class ChannelClosedException extends Mp2pException {
    private static final long serialVersionUID = 1L;

    public ChannelClosedException(String message) {
        super(message);
    }
}
