package io.mp2p.transport;

import java.util.OptionalLong;

/** Another process on this host already listens with the same key on the same group and port. */
public final class AlreadyListeningException extends TransportException {
    private static final long serialVersionUID = 1L;
    private final long holderPid;

    AlreadyListeningException(String message, long holderPid) {
        super(message);
        this.holderPid = holderPid;
    }

    /** The process that listens, when it wrote its id into the lock file. */
    public OptionalLong holderPid() {
        return holderPid > 0 ? OptionalLong.of(holderPid) : OptionalLong.empty();
    }
}
