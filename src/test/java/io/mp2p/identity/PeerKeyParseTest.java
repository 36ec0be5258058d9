package io.mp2p.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** Parsing a peer key from text: both forms, and any input at all without an unchecked exception. */
class PeerKeyParseTest {
    private static final String VALID = Mp2pIdentity.generate(new java.security.SecureRandom(new byte[] {1}))
            .publicKey().toHex();

    @Test
    void bothFormsAndTheHostNameNameTheSameKey() throws Exception {
        PeerKey k = PeerKey.parse(VALID);
        assertEquals(k, PeerKey.parse(k.toBase32()));
        assertEquals(k, PeerKey.parse(k.hostName()));
        assertEquals(k, PeerKey.parse(VALID.toUpperCase(java.util.Locale.ROOT)));
        assertEquals(PeerKey.BASE32_LENGTH, k.toBase32().length());
        assertTrue(k.toBase32().matches("[a-z2-7]{52}"));
    }

    @Test
    void eachMistakeIsNamed() {
        assertEquals(KeyFormatException.Reason.LENGTH,
                assertThrows(KeyFormatException.class, () -> PeerKey.parse("abc")).reason());
        assertEquals(KeyFormatException.Reason.ALPHABET,
                assertThrows(KeyFormatException.class, () -> PeerKey.parse("g" + VALID.substring(1))).reason());
        // Fullwidth digits are digits to Character.digit, but not hex to us.
        assertEquals(KeyFormatException.Reason.ALPHABET,
                assertThrows(KeyFormatException.class, () -> PeerKey.parse("\uff10" + VALID.substring(1))).reason());
        // y = 2 is not the y coordinate of any curve point.
        String notOnCurve = "02" + "00".repeat(31);
        assertEquals(KeyFormatException.Reason.NOT_ON_CURVE,
                assertThrows(KeyFormatException.class, () -> PeerKey.parse(notOnCurve)).reason());
        // The identity point has small order.
        String smallOrder = "01" + "00".repeat(31);
        assertEquals(KeyFormatException.Reason.NOT_ON_CURVE,
                assertThrows(KeyFormatException.class, () -> PeerKey.parse(smallOrder)).reason());
    }

    @Test
    void arbitraryTextNeverThrowsAnUncheckedException() {
        SplittableRandom r = new SplittableRandom(2026);
        String alphabet = "0123456789abcdefABCDEFghijklmnopqrstuvwxyz234567.=- \t\n\u00e9\uff10\u0660";
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            int len = switch (r.nextInt(4)) {
                case 0 -> PeerKey.HEX_LENGTH;
                case 1 -> PeerKey.BASE32_LENGTH;
                case 2 -> PeerKey.BASE32_LENGTH + PeerKey.HOST_SUFFIX.length();
                default -> r.nextInt(120);
            };
            for (int j = 0; j < len; j++) {
                sb.append(r.nextInt(10) == 0 ? (char) r.nextInt(0x3000) : alphabet.charAt(r.nextInt(alphabet.length())));
            }
            String s = sb.toString();
            try {
                PeerKey.parse(s);
            } catch (KeyFormatException expected) {
                assertTrue(expected.getMessage() != null && !expected.getMessage().isEmpty());
            }
        }
    }
}
