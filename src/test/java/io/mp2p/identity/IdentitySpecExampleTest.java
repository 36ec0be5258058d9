package io.mp2p.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/** The worked example of spec/IDENTITY.md, from spec/vectors/identity.json, against the implementation. */
class IdentitySpecExampleTest {
    /** Maven runs tests from the project directory. */
    private static final Path SPEC = Path.of("spec", "IDENTITY.md");
    private static final Path VECTORS = Path.of("spec", "vectors", "identity.json");
    private static final HexFormat HEX = HexFormat.of();
    private static final String[] DOCUMENTED_FIELDS = {
        "ed25519_seed", "ed25519_public", "base32", "host_name", "x25519_private", "x25519_public"};

    @TempDir
    Path dir;

    @Test
    void examplesMatchImplementationAndSpec() throws IOException, KeyFormatException {
        JsonObject root = JsonParser.parseString(Files.readString(VECTORS)).getAsJsonObject();
        String spec = Files.readString(SPEC);
        int checked = 0;
        for (JsonElement e : root.getAsJsonArray("examples")) {
            JsonObject v = e.getAsJsonObject();
            Mp2pIdentity id = Mp2pIdentity.fromSeed(HEX.parseHex(v.get("ed25519_seed").getAsString()));
            PeerKey pub = id.publicKey();
            assertEquals(v.get("ed25519_public").getAsString(), pub.toHex());
            assertEquals(v.get("base32").getAsString(), pub.toBase32());
            assertEquals(v.get("host_name").getAsString(), pub.hostName());
            assertEquals(pub, PeerKey.parse(v.get("host_name").getAsString()));
            assertEquals(v.get("x25519_private").getAsString(), HEX.formatHex(id.x25519PrivateKey()));
            assertEquals(v.get("x25519_public").getAsString(), HEX.formatHex(id.x25519PublicKey()));
            assertEquals(v.get("spki_der").getAsString(), HEX.formatHex(KeyFiles.concat(KeyFiles.SPKI_PREFIX, pub.encoded())));
            assertEquals(v.get("public_pem").getAsString(), pub.toPem().replace(System.lineSeparator(), "\n"));

            Path key = dir.resolve("example.pem");
            id.save(key, true);
            String pem = v.get("private_pem").getAsString();
            assertEquals(pem, Files.readString(key, StandardCharsets.US_ASCII));
            String der = v.get("pkcs8_der").getAsString();
            assertArrayEquals(HEX.parseHex(der), java.util.Base64.getDecoder().decode(
                    pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "")));

            for (String field : DOCUMENTED_FIELDS) {
                assertTrue(spec.contains(v.get(field).getAsString()), field + " of the example is not in " + SPEC);
            }
            assertTrue(spec.contains(pem), "private key PEM of the example is not in " + SPEC);
            assertTrue(spec.contains(v.get("public_pem").getAsString()), "public key PEM is not in " + SPEC);
            checked++;
        }
        assertFalse(checked == 0, "no examples in " + VECTORS);
    }

    @Test
    void specStatesTheDerPrefixesTheCodeUses() throws IOException {
        String spec = Files.readString(SPEC);
        assertTrue(spec.contains(HEX.formatHex(KeyFiles.PKCS8_PREFIX) + " || seed"));
        assertTrue(spec.contains(HEX.formatHex(KeyFiles.SPKI_PREFIX) + " || public key"));
    }
}
