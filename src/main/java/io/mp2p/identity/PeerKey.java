package io.mp2p.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.bouncycastle.util.encoders.Base32;

/**
 * A peer's identity: its Ed25519 public key (RFC 8032). Immutable and safe to share between threads.
 *
 * <p>Two text forms name the same key:
 * <ul>
 *   <li>{@link #toHex()}: 64 lowercase hex characters, the canonical form (what the original proof of
 *       concept printed);</li>
 *   <li>{@link #toBase32()}: 52 lowercase unpadded RFC 4648 base32 characters, short enough to be a DNS
 *       label, so that {@link #hostName()} ({@code <base32>.mp2p}) can stand wherever a host name is taken.</li>
 * </ul>
 *
 * <pre>{@code
 * PeerKey peer = PeerKey.parse("3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29");
 * String host = peer.hostName();          // "hnvcpppow2sc2yvdvdicu3yno5steflxdxrehjr2ybekdc2z3iuq.mp2p"
 * PeerKey same = PeerKey.parse(host);     // equal to peer
 * }</pre>
 */
public final class PeerKey {
    /** Length of an Ed25519 public key in bytes. */
    public static final int LENGTH = Ed25519.PUBLIC_KEY_SIZE;
    /** Length of the hex text form. */
    public static final int HEX_LENGTH = 2 * LENGTH;
    /** Length of the unpadded base32 text form: ceil(256 / 5). */
    public static final int BASE32_LENGTH = (LENGTH * Byte.SIZE + 4) / 5;
    /** The pseudo top-level domain under which a base32 key is a host name. */
    public static final String HOST_SUFFIX = ".mp2p";

    private static final HexFormat HEX = HexFormat.of();
    private static final String BASE32_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
    /** RFC 4648 pads 32 bytes to 56 characters; the unpadded form drops these four. */
    private static final String BASE32_PADDING = "====";

    private final byte[] key;

    private PeerKey(byte[] key) {
        this.key = key;
    }

    /**
     * Wraps 32 raw public-key bytes after checking that they encode a point of prime order on the
     * Ed25519 curve (small-order and non-canonical points are refused).
     */
    public static PeerKey fromBytes(byte[] encoded) throws KeyFormatException {
        if (encoded == null || encoded.length != LENGTH) {
            throw new KeyFormatException(KeyFormatException.Reason.LENGTH,
                    "an Ed25519 public key is " + LENGTH + " bytes, got "
                            + (encoded == null ? "none" : encoded.length));
        }
        byte[] copy = encoded.clone();
        if (!Ed25519.validatePublicKeyFull(copy, 0)) {
            throw new KeyFormatException(KeyFormatException.Reason.NOT_ON_CURVE,
                    "not a valid Ed25519 public key: the bytes are not a point of prime order on the curve");
        }
        return new PeerKey(copy);
    }

    /**
     * Parses either text form: 64 hex characters, 52 base32 characters, or {@code <base32>.mp2p}.
     * Upper case is accepted; surrounding white space is not.
     *
     * @throws KeyFormatException saying what is wrong: the length, the alphabet or the curve point
     */
    public static PeerKey parse(String text) throws KeyFormatException {
        if (text == null || text.isEmpty()) {
            throw new KeyFormatException(KeyFormatException.Reason.LENGTH, "a peer key is required, got an empty string");
        }
        String s = text.toLowerCase(Locale.ROOT);
        if (s.endsWith(HOST_SUFFIX)) {
            return fromBase32(s.substring(0, s.length() - HOST_SUFFIX.length()));
        }
        if (s.length() == HEX_LENGTH) {
            return fromHex(s);
        }
        if (s.length() == BASE32_LENGTH) {
            return fromBase32(s);
        }
        throw new KeyFormatException(KeyFormatException.Reason.LENGTH, "a peer key is " + HEX_LENGTH
                + " hex characters or " + BASE32_LENGTH + " base32 characters, got " + text.length()
                + " characters");
    }

    /** Parses the 64-character hex form (either case). */
    public static PeerKey fromHex(String hex) throws KeyFormatException {
        if (hex.length() != HEX_LENGTH) {
            throw new KeyFormatException(KeyFormatException.Reason.LENGTH,
                    "a hex peer key is " + HEX_LENGTH + " characters, got " + hex.length());
        }
        for (int i = 0; i < hex.length(); i++) {
            if (Character.digit(hex.charAt(i), 16) < 0) {
                throw new KeyFormatException(KeyFormatException.Reason.ALPHABET,
                        "a hex peer key has only 0-9 and a-f, found '" + printable(hex.charAt(i))
                                + "' at position " + (i + 1));
            }
        }
        return fromBytes(HEX.parseHex(hex));
    }

    /** Parses the 52-character unpadded base32 form (either case). */
    public static PeerKey fromBase32(String base32) throws KeyFormatException {
        if (base32.length() != BASE32_LENGTH) {
            throw new KeyFormatException(KeyFormatException.Reason.LENGTH,
                    "a base32 peer key is " + BASE32_LENGTH + " characters, got " + base32.length());
        }
        String lower = base32.toLowerCase(Locale.ROOT);
        for (int i = 0; i < lower.length(); i++) {
            if (BASE32_ALPHABET.indexOf(lower.charAt(i)) < 0) {
                throw new KeyFormatException(KeyFormatException.Reason.ALPHABET,
                        "a base32 peer key has only a-z and 2-7, found '" + printable(base32.charAt(i))
                                + "' at position " + (i + 1));
            }
        }
        byte[] bytes = Base32.decode((lower.toUpperCase(Locale.ROOT) + BASE32_PADDING).getBytes(StandardCharsets.US_ASCII));
        // 52 characters carry 260 bits; the last 4 must be zero or two texts would name one key.
        if (!encodeBase32(bytes).equals(lower)) {
            throw new KeyFormatException(KeyFormatException.Reason.ALPHABET,
                    "not a canonical base32 peer key: its last character carries non-zero padding bits");
        }
        return fromBytes(bytes);
    }

    private static String encodeBase32(byte[] bytes) {
        String padded = Base32.toBase32String(bytes);
        return padded.substring(0, BASE32_LENGTH).toLowerCase(Locale.ROOT);
    }

    private static String printable(char c) {
        return Character.isISOControl(c) || Character.isWhitespace(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    /** The 32 raw key bytes (a copy). */
    public byte[] encoded() {
        return key.clone();
    }

    /** Copies the 32 raw key bytes into {@code out} at {@code offset}, for codecs that avoid allocation. */
    public void copyTo(byte[] out, int offset) {
        System.arraycopy(key, 0, out, offset, LENGTH);
    }

    /** The canonical text form: 64 lowercase hex characters. */
    public String toHex() {
        return HEX.formatHex(key);
    }

    /** The 52-character lowercase unpadded base32 form. */
    public String toBase32() {
        return encodeBase32(key);
    }

    /** {@code <base32>.mp2p}: this key as a host name. */
    public String hostName() {
        return toBase32() + HOST_SUFFIX;
    }

    /**
     * Checks an Ed25519 signature (RFC 8032, pure) by this key.
     *
     * @return true only when {@code signature} is a valid signature of {@code message}
     */
    public boolean verify(byte[] message, byte[] signature) {
        if (signature == null || signature.length != Ed25519.SIGNATURE_SIZE) {
            return false;
        }
        return Ed25519.verify(signature, 0, key, 0, message, 0, message.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PeerKey && MessageDigest.isEqual(key, ((PeerKey) o).key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    /** The canonical hex form. */
    @Override
    public String toString() {
        return toHex();
    }
}
