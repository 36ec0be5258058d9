package io.mp2p.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

import org.bouncycastle.math.ec.rfc7748.X25519;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** The X25519 form of identities, against libsodium's vectors and Bouncy Castle's X25519. */
class X25519FormTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String VECTORS = "/identity/ed25519-x25519.json";
    /** The vector file holds 20 vectors; a smaller count means it was truncated. */
    private static final int VECTOR_COUNT = 20;
    private static final int RANDOM_CASES = 1000;
    private static final long SEED = 0x6d703270L;

    record Vector(String seed, String edPublic, String xPrivate, String xPublic) {
        @Override
        public String toString() {
            return "seed " + seed;
        }
    }

    static List<Vector> vectors() throws IOException {
        try (InputStream in = X25519FormTest.class.getResourceAsStream(VECTORS)) {
            assertNotNull(in, "missing test resource " + VECTORS);
            JsonObject root = JsonParser.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getAsJsonObject();
            List<Vector> out = new ArrayList<>();
            for (JsonElement e : root.getAsJsonArray("vectors")) {
                JsonObject v = e.getAsJsonObject();
                out.add(new Vector(v.get("ed25519_seed").getAsString(), v.get("ed25519_public").getAsString(),
                        v.get("x25519_private").getAsString(), v.get("x25519_public").getAsString()));
            }
            return out;
        }
    }

    @Test
    void vectorFileIsComplete() throws IOException {
        assertEquals(VECTOR_COUNT, vectors().size());
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void matchesLibsodium(Vector v) throws KeyFormatException {
        Mp2pIdentity id = Mp2pIdentity.fromSeed(HEX.parseHex(v.seed()));
        assertEquals(v.edPublic(), id.publicKey().toHex(), "Ed25519 public key");
        assertEquals(v.xPrivate(), HEX.formatHex(id.x25519PrivateKey()), "crypto_sign_ed25519_sk_to_curve25519");
        assertEquals(v.xPublic(), HEX.formatHex(id.x25519PublicKey()), "crypto_sign_ed25519_pk_to_curve25519");
        // The public map alone, from the key as a peer sees it.
        assertEquals(v.xPublic(), HEX.formatHex(PeerKey.fromHex(v.edPublic()).x25519PublicKey()));
        byte[] derived = new byte[X25519.POINT_SIZE];
        X25519.scalarMultBase(id.x25519PrivateKey(), 0, derived, 0);
        assertEquals(v.xPublic(), HEX.formatHex(derived), "X25519(private, 9)");
    }

    @Test
    void agreesWithX25519OnRandomSeeds() throws KeyFormatException {
        SplittableRandom random = new SplittableRandom(SEED);
        byte[] seed = new byte[Mp2pIdentity.SEED_LENGTH];
        byte[] derived = new byte[X25519.POINT_SIZE];
        for (int i = 0; i < RANDOM_CASES; i++) {
            random.nextBytes(seed);
            Mp2pIdentity id = Mp2pIdentity.fromSeed(seed);
            byte[] priv = id.x25519PrivateKey();
            X25519.scalarMultBase(priv, 0, derived, 0);
            assertArrayEquals(derived, id.x25519PublicKey(), () -> "seed " + HEX.formatHex(seed));
            assertEquals(0, priv[0] & 7, "clamped: multiple of the cofactor");
            assertEquals(0x40, priv[31] & 0xc0, "clamped: bit 254 set, bit 255 clear");
        }
    }

    @Test
    void returnsCopies() throws KeyFormatException {
        Mp2pIdentity id = Mp2pIdentity.fromSeed(new byte[Mp2pIdentity.SEED_LENGTH]);
        byte[] pub = id.x25519PublicKey();
        byte[] priv = id.x25519PrivateKey();
        pub[0] ^= 1;
        priv[1] ^= 1;
        assertEquals(1, (pub[0] ^ id.x25519PublicKey()[0]) & 1);
        assertEquals(1, (priv[1] ^ id.x25519PrivateKey()[1]) & 1);
    }

    @Test
    void destroyedIdentityRefusesPrivateKey() throws KeyFormatException {
        Mp2pIdentity id = Mp2pIdentity.fromSeed(new byte[Mp2pIdentity.SEED_LENGTH]);
        id.destroy();
        assertThrows(IllegalStateException.class, id::x25519PrivateKey);
    }
}
