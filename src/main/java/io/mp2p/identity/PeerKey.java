package io.mp2p.identity;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.bouncycastle.util.encoders.Base32;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

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
 * byte[] noiseStatic = peer.x25519PublicKey(); // 5bf55c73...947d, this key's X25519 (Montgomery) form
 * PeerKey fromFile = PeerKey.load(Path.of("peer.pub.pem"));   // an SPKI "PUBLIC KEY" PEM file
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

    /** The field prime of Curve25519 / Ed25519: 2^255 - 19. */
    private static final BigInteger FIELD_PRIME = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
    /** RFC 8032 encodes the sign of x in the top bit of the last byte; y is the other 255 bits. */
    private static final int SIGN_BIT_MASK = 0x7f;

    private final byte[] key;
    /** Computed on first use: parsing many keys should not pay a modular inversion each. */
    private volatile byte[] x25519;

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
            // ASCII only: Character.digit also accepts fullwidth and other Unicode digits.
            if (!isAsciiHex(hex.charAt(i))) {
                throw new KeyFormatException(KeyFormatException.Reason.ALPHABET,
                        "a hex peer key has only 0-9 and a-f, found '" + printable(hex.charAt(i))
                                + "' at position " + (i + 1));
            }
        }
        return fromBytes(HEX.parseHex(hex));
    }

    private static boolean isAsciiHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
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

    /** Whether {@code encoded} is this key's 32 bytes (public data: not constant-time). */
    public boolean matches(byte[] encoded) {
        return Arrays.equals(key, encoded);
    }

    /** Copies the 32 raw key bytes into {@code out} at {@code offset}, for codecs that avoid allocation. */
    public void copyTo(byte[] out, int offset) {
        System.arraycopy(key, 0, out, offset, LENGTH);
    }

    /**
     * This key in its X25519 (Montgomery u-coordinate) form, the peer's Noise static key: u = (1 + y) / (1 - y)
     * mod 2^255 - 19, 32 bytes little-endian. Equal to libsodium's {@code crypto_sign_ed25519_pk_to_curve25519}.
     * The map forgets the sign of x, so it cannot be inverted; that is why the initiation carries the Ed25519 key.
     *
     * @return a fresh copy
     */
    public byte[] x25519PublicKey() {
        byte[] u = x25519;
        if (u == null) {
            u = toMontgomery(key);
            x25519 = u;
        }
        return u.clone();
    }

    private static byte[] toMontgomery(byte[] edwards) {
        byte[] bigEndian = new byte[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            bigEndian[i] = edwards[LENGTH - 1 - i];
        }
        bigEndian[0] &= SIGN_BIT_MASK;
        BigInteger y = new BigInteger(1, bigEndian);
        // y = 1 is the neutral point, which construction refused, so 1 - y is invertible.
        BigInteger u = BigInteger.ONE.add(y)
                .multiply(BigInteger.ONE.subtract(y).mod(FIELD_PRIME).modInverse(FIELD_PRIME))
                .mod(FIELD_PRIME);
        byte[] magnitude = u.toByteArray();
        byte[] out = new byte[LENGTH];
        // toByteArray is big-endian, minimal, and may have a leading sign byte: copy from the low end.
        for (int i = 0; i < LENGTH && i < magnitude.length; i++) {
            out[i] = magnitude[magnitude.length - 1 - i];
        }
        return out;
    }

    /**
     * This key as a PEM "PUBLIC KEY" (X.509 SubjectPublicKeyInfo, RFC 8410), the form
     * {@code openssl pkey -pubout} prints.
     */
    public String toPem() {
        StringWriter out = new StringWriter();
        try (PemWriter writer = new PemWriter(out)) {
            writer.writeObject(new PemObject(KeyFiles.PUBLIC_KEY_LABEL, KeyFiles.concat(KeyFiles.SPKI_PREFIX, key)));
        } catch (IOException e) {
            throw new IllegalStateException("writing to a StringWriter cannot fail", e);
        }
        return out.toString();
    }

    /**
     * Reads a PEM "PUBLIC KEY" (SubjectPublicKeyInfo) holding an Ed25519 key.
     *
     * @throws KeyFormatException when the text is not PEM, holds another key type, or the key is not a valid point
     */
    public static PeerKey fromPem(String pem) throws KeyFormatException {
        if (pem == null) {
            throw new KeyFormatException(KeyFormatException.Reason.ENCODING, "no PEM text given");
        }
        return fromPem(new StringReader(pem), "the PEM text");
    }

    /**
     * Reads a PEM "PUBLIC KEY" file holding an Ed25519 key.
     *
     * @throws KeyFormatException with reason IO when the file cannot be read, ENCODING when it is not an Ed25519
     *         public key file; the message names the file
     */
    public static PeerKey load(Path path) throws KeyFormatException {
        byte[] text = KeyFiles.readFile(path);
        return fromPem(new StringReader(new String(text, StandardCharsets.US_ASCII)), path.toString());
    }

    private static PeerKey fromPem(java.io.Reader text, String source) throws KeyFormatException {
        PemObject pem = KeyFiles.readPem(text, source, KeyFiles.PUBLIC_KEY_LABEL);
        SubjectPublicKeyInfo info;
        try {
            info = SubjectPublicKeyInfo.getInstance(pem.getContent());
        } catch (RuntimeException e) {
            // Bouncy Castle reports malformed DER with IllegalArgumentException and relatives.
            throw new KeyFormatException(KeyFormatException.Reason.ENCODING,
                    source + " does not hold a valid SubjectPublicKeyInfo: " + KeyFiles.describe(e), e);
        }
        KeyFiles.checkEd25519(info.getAlgorithm(), source);
        ASN1BitString bits = info.getPublicKeyData();
        if (bits.getPadBits() != 0) {
            throw new KeyFormatException(KeyFormatException.Reason.ENCODING,
                    source + ": the public key BIT STRING does not hold whole bytes");
        }
        byte[] raw = bits.getOctets();
        if (raw.length != LENGTH) {
            throw new KeyFormatException(KeyFormatException.Reason.LENGTH,
                    source + " holds a " + raw.length + "-byte public key; an Ed25519 key is " + LENGTH + " bytes");
        }
        try {
            return fromBytes(raw);
        } catch (KeyFormatException e) {
            throw new KeyFormatException(e.reason(), source + ": " + e.getMessage(), e);
        }
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
