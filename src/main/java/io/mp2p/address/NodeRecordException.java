package io.mp2p.address;

/**
 * A node record could not be parsed or built. The message says exactly what is wrong (scheme, key,
 * address, port, a missing, unknown or duplicate parameter, the expiry, the signature encoding);
 * {@link #reason()} says it for code.
 *
 * <pre>{@code
 * try {
 *     NodeRecord record = NodeRecord.parse(text);
 * } catch (NodeRecordException e) {
 *     System.err.println("bad node record: " + e.getMessage());
 * }
 * }</pre>
 */
public final class NodeRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why a record was refused. */
    public enum Reason {
        /** No text, or text longer than any well-formed record. */
        LENGTH,
        /** The text does not start with {@code mp2p://}. */
        SCHEME,
        /** The public key is missing, not 64 hex characters, or not a valid Ed25519 point. */
        KEY,
        /** The group address is missing or malformed. */
        ADDRESS,
        /** The port is missing, not decimal, or outside 1..65535. */
        PORT,
        /** A required parameter ({@code expires}, {@code sig}) is absent. */
        MISSING_PARAMETER,
        /** A parameter other than {@code expires}, {@code ep} and {@code sig}, or an empty or malformed one. */
        UNKNOWN_PARAMETER,
        /** A parameter given twice. */
        DUPLICATE_PARAMETER,
        /** The expiry is not whole unix seconds in range. */
        EXPIRES,
        /** The signature is not 86 characters of unpadded base64url encoding 64 bytes. */
        SIGNATURE_ENCODING,
        /** When signing or building: the address is not an mp2p group. */
        NOT_A_GROUP,
        /**
         * A unicast endpoint ({@code ep}) is malformed, repeated, one too many, or (when signing) one
         * a reader must not send to (spec/ADDRESSING.md §7.5).
         */
        ENDPOINT
    }

    private final Reason reason;

    public NodeRecordException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    /** Why the record was refused. */
    public Reason reason() {
        return reason;
    }

    /** Makes control and non-ASCII characters visible in messages, so a message never hides input. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < ' ' || c > '~') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
