package io.mp2p.wire;

import java.util.Objects;

/**
 * The result of a parser: either a value or a {@link WireError} with a human-readable detail.
 *
 * <pre>{@code
 * Parsed<HandshakeInitiation> p = HandshakeInitiation.parse(buf, 0, len);
 * if (p.isOk()) {
 *     int index = p.value().senderIndex();
 * } else {
 *     log.debug("dropped: {} ({})", p.error(), p.detail());
 * }
 * }</pre>
 *
 * @param <T> the type of the parsed value
 */
public final class Parsed<T> {
    private final T value;
    private final WireError error;
    private final String detail;

    private Parsed(T value, WireError error, String detail) {
        this.value = value;
        this.error = error;
        this.detail = detail;
    }

    /** A successful result. {@code value} may be null only for {@code Parsed<Void>}. */
    public static <T> Parsed<T> ok(T value) {
        return new Parsed<>(value, null, null);
    }

    /** A refusal with its reason and a short explanation. */
    public static <T> Parsed<T> error(WireError error, String detail) {
        return new Parsed<>(null, Objects.requireNonNull(error, "error"), detail == null ? "" : detail);
    }

    /** Whether the input was accepted. */
    public boolean isOk() {
        return error == null;
    }

    /**
     * The parsed value.
     *
     * @throws IllegalStateException if this is an error: reading it is a bug in the caller
     */
    public T value() {
        if (error != null) {
            throw new IllegalStateException("no value: " + error + " (" + detail + ")");
        }
        return value;
    }

    /** The reason for the refusal, or null when {@link #isOk()}. */
    public WireError error() {
        return error;
    }

    /** The explanation of the refusal, or null when {@link #isOk()}. */
    public String detail() {
        return detail;
    }

    /** Re-types an error so that a parser can pass on the error of a sub-parser. */
    @SuppressWarnings("unchecked")
    <U> Parsed<U> castError() {
        if (error == null) {
            throw new IllegalStateException("not an error");
        }
        return (Parsed<U>) this;
    }

    @Override
    public String toString() {
        return error == null ? "Parsed.ok(" + value + ")" : "Parsed.error(" + error + ", " + detail + ")";
    }
}
