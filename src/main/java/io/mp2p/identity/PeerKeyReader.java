package io.mp2p.identity;

/**
 * Turns 32 received bytes into a {@link PeerKey}: {@link PeerKey#fromBytes} checks the point each
 * time; a reader that knows some keys already may return the one it holds for the same bytes, so a
 * known peer's identity costs no point check.
 *
 * <pre>{@code
 * PeerKeyReader reader = bytes -> Arrays.equals(bytes, known.encoded()) ? known : PeerKey.fromBytes(bytes);
 * }</pre>
 */
@FunctionalInterface
public interface PeerKeyReader {
    /** Checks every key: the point check of {@link PeerKey#fromBytes}. */
    PeerKeyReader CHECKED = PeerKey::fromBytes;

    /**
     * The key these 32 bytes encode.
     *
     * @throws KeyFormatException if they are not a valid Ed25519 public key
     */
    PeerKey read(byte[] encoded) throws KeyFormatException;
}
