package io.mp2p.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import com.code_intelligence.jazzer.junit.FuzzTest;

import org.junit.jupiter.api.AfterAll;

import io.mp2p.address.NodeRecord;
import io.mp2p.address.NodeRecordException;
import io.mp2p.identity.KeyFormatException;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;

/**
 * Coverage-guided fuzzing of the text and file formats a user hands the library (spec/IDENTITY.md,
 * spec/ADDRESSING.md): public-key text, node records, PEM key files and PKCS12 key stores. The only
 * way a parser may refuse is its documented checked exception ({@link KeyFormatException},
 * {@link NodeRecordException}); whatever it accepts must survive a round trip. Files are written to
 * a temporary directory because the loaders take paths (what the CLI gives them).
 */
class KeyTextFuzzTest {
    private static final char[] PASSWORD = "fuzz".toCharArray();
    private static final Path DIR = tempDir();

    private static Path tempDir() {
        try {
            Path shm = Path.of("/dev/shm");
            return Files.isDirectory(shm) ? Files.createTempDirectory(shm, "mp2p-fuzz") : Files.createTempDirectory("mp2p-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @AfterAll
    static void removeFiles() throws IOException {
        try (var files = Files.list(DIR)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(DIR);
    }

    private static Path write(String name, byte[] data) {
        try {
            return Files.write(DIR.resolve(name), data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    void peerKeyText(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            PeerKey k = PeerKey.parse(text);
            // What parses is a key, and its canonical forms parse back to it.
            assertEquals(k, PeerKey.parse(k.toHex()));
            assertEquals(k, PeerKey.parse(k.toBase32()));
        } catch (KeyFormatException expected) {
            assertNotNull(expected.getMessage());
        }
        try {
            PeerKey.fromPem(text);
        } catch (KeyFormatException expected) {
            assertNotNull(expected.getMessage());
        }
    }

    @FuzzTest
    void nodeRecord(byte[] data) {
        String text = new String(data, StandardCharsets.UTF_8);
        try {
            NodeRecord r = NodeRecord.parse(text);
            NodeRecord again = NodeRecord.parse(r.toText());
            assertEquals(r, again, "a parsed record round-trips through its text");
            assertNotNull(r.verify(Instant.EPOCH));
        } catch (NodeRecordException expected) {
            assertNotNull(expected.getMessage());
        }
    }

    @FuzzTest
    void pemPrivateKeyFile(byte[] data) {
        Path f = write("key.pem", data);
        try {
            Mp2pIdentity id = Mp2pIdentity.load(f);
            assertNotNull(id.publicKey());
            id.destroy();
        } catch (KeyFormatException expected) {
            assertNotNull(expected.getMessage());
        }
        try {
            PeerKey.load(f);
        } catch (KeyFormatException expected) {
            assertNotNull(expected.getMessage());
        }
    }

    @FuzzTest
    void pkcs12File(byte[] data) {
        Path f = write("key.p12", data);
        try {
            Mp2pIdentity id = Mp2pIdentity.loadPkcs12(f, PASSWORD);
            assertNotNull(id.publicKey());
            id.destroy();
        } catch (KeyFormatException expected) {
            assertNotNull(expected.getMessage());
        }
    }
}
