package io.mp2p.address;

/**
 * A multicast group could not be formed from the given inputs. The message says what is wrong in
 * words a user can act on; {@link #reason()} says it for code.
 *
 * <pre>{@code
 * try {
 *     GroupAddresses.unicastPrefixBased(key, prefix, 72);
 * } catch (AddressException e) {
 *     if (e.reason() == AddressException.Reason.PREFIX_LENGTH) { ... }
 * }
 * }</pre>
 */
public final class AddressException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why an address was refused. */
    public enum Reason {
        /** An RFC 3306 prefix length outside 1..64. */
        PREFIX_LENGTH,
        /** The unicast prefix is not a global unicast address (2000::/3). */
        NOT_GLOBAL_UNICAST,
        /** A required argument was missing. */
        MISSING
    }

    private final Reason reason;

    public AddressException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** Why the address was refused. */
    public Reason reason() {
        return reason;
    }
}
