package io.mp2p;

/** A message longer than the 65,535 bytes mp2p carries. */
public class MessageTooLargeException extends Mp2pException {
    private static final long serialVersionUID = 1L;

    public MessageTooLargeException(int length, int max) {
        super("a message is at most " + max + " bytes, this one has " + length + "; split it into several messages");
    }
}
