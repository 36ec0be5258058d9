package io.mp2p.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** PEM key files: interoperability with the real openssl binary, file safety, and refusal of bad input. */
class KeyFilesTest {
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");
    private static final long OPENSSL_TIMEOUT_SECONDS = 20;
    private static final HexFormat HEX = HexFormat.of();
    private static final long SEED = 0x6b657973L;
    /** Each save forces the file to disk, so file round trips are few; in-memory cases are many. */
    private static final int FILE_ROUND_TRIPS = 20;
    private static final int FUZZ_CASES = 200;

    @TempDir
    Path dir;

    /** Output and exit code of one openssl run. */
    record Run(int exit, byte[] stdout, String stderr) {
        String text() {
            return new String(stdout, StandardCharsets.US_ASCII);
        }
    }

    private static Run openssl(String... args) throws IOException, InterruptedException {
        if (!Files.isExecutable(OPENSSL)) {
            fail(OPENSSL + " is missing: the key-file interoperability tests need the openssl binary"
                    + " (CI installs it: apt-get install openssl)");
        }
        List<String> command = new java.util.ArrayList<>();
        command.add(OPENSSL.toString());
        command.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread errReader = new Thread(() -> {
            try (InputStream e = p.getErrorStream()) {
                e.transferTo(err);
            } catch (IOException ignored) {
                // The process exit code and stdout carry what the test checks.
            }
        });
        errReader.start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!p.waitFor(OPENSSL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("openssl " + String.join(" ", args) + " did not finish");
        }
        errReader.join();
        return new Run(p.exitValue(), out, err.toString(StandardCharsets.UTF_8));
    }

    private static Run opensslOk(String... args) throws IOException, InterruptedException {
        Run r = openssl(args);
        assertEquals(0, r.exit(), () -> "openssl " + String.join(" ", args) + " failed: " + r.stderr());
        return r;
    }

    @Test
    void loadsKeyMadeByOpenssl() throws Exception {
        Path key = dir.resolve("key.pem");
        opensslOk("genpkey", "-algorithm", "ed25519", "-out", key.toString());
        Run pub = opensslOk("pkey", "-in", key.toString(), "-pubout", "-outform", "DER");
        byte[] der = pub.stdout();
        byte[] expected = Arrays.copyOfRange(der, der.length - PeerKey.LENGTH, der.length);

        Mp2pIdentity id = Mp2pIdentity.load(key);
        assertArrayEquals(expected, id.publicKey().encoded());
        // The SPKI openssl prints is byte for byte ours.
        assertArrayEquals(der, KeyFiles.concat(KeyFiles.SPKI_PREFIX, expected));
        Run pubPem = opensslOk("pkey", "-in", key.toString(), "-pubout");
        assertEquals(pubPem.text(), id.publicKey().toPem());
        Path pubFile = dir.resolve("key.pub.pem");
        Files.write(pubFile, pubPem.stdout());
        assertEquals(id.publicKey(), PeerKey.load(pubFile));
        // A signature made from the loaded seed verifies with openssl's public key: the seed was read right.
        byte[] msg = "mp2p".getBytes(StandardCharsets.US_ASCII);
        assertTrue(PeerKey.fromBytes(expected).verify(msg, id.sign(msg)));
    }

    @Test
    void savedKeyIsReadByOpenssl() throws Exception {
        Mp2pIdentity id = Mp2pIdentity.generate();
        Path key = dir.resolve("node.key");
        id.save(key, false);
        opensslOk("pkey", "-in", key.toString(), "-noout");
        assertEquals(id.publicKey().toPem(), opensslOk("pkey", "-in", key.toString(), "-pubout").text());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        // openssl re-encoding our file gives back the same bytes: same DER, same PEM layout.
        assertEquals(Files.readString(key), opensslOk("pkey", "-in", key.toString()).text());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(key), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void overwriteRefusedUnlessAsked() throws Exception {
        Path key = dir.resolve("node.key");
        Mp2pIdentity first = Mp2pIdentity.generate();
        Mp2pIdentity second = Mp2pIdentity.generate();
        first.save(key, false);
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class, () -> second.save(key, false));
        assertTrue(e.getMessage().contains("--force"), e.getMessage());
        assertEquals(first.publicKey(), Mp2pIdentity.load(key).publicKey());
        second.save(key, true);
        assertEquals(second.publicKey(), Mp2pIdentity.load(key).publicKey());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    }

    @Test
    void overwriteTightensModeOfExistingFile() throws Exception {
        Path key = dir.resolve("node.key");
        Files.writeString(key, "old");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        Mp2pIdentity.generate().save(key, true);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    }

    @Test
    void roundTripsOnRandomSeeds() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED);
        byte[] seed = new byte[Mp2pIdentity.SEED_LENGTH];
        Path key = dir.resolve("k.pem");
        for (int i = 0; i < FILE_ROUND_TRIPS; i++) {
            random.nextBytes(seed);
            Mp2pIdentity id = Mp2pIdentity.fromSeed(seed);
            id.save(key, true);
            Mp2pIdentity back = Mp2pIdentity.load(key);
            assertArrayEquals(id.x25519PrivateKey(), back.x25519PrivateKey());
            assertEquals(id.publicKey(), PeerKey.fromPem(id.publicKey().toPem()));
        }
    }

    @Test
    void derAndPemMatchBouncyCastle() throws Exception {
        byte[] seed = new byte[Mp2pIdentity.SEED_LENGTH];
        new SplittableRandom(SEED).nextBytes(seed);
        AlgorithmIdentifier ed25519 = new AlgorithmIdentifier(KeyFiles.ED25519_OID);
        byte[] bcDer = new PrivateKeyInfo(ed25519, new DEROctetString(seed)).getEncoded(ASN1Encoding.DER);
        byte[] ourDer = KeyFiles.concat(KeyFiles.PKCS8_PREFIX, seed);
        assertArrayEquals(bcDer, ourDer);

        StringWriter w = new StringWriter();
        try (PemWriter pw = new PemWriter(w)) {
            pw.writeObject(new PemObject(KeyFiles.PRIVATE_KEY_LABEL, bcDer));
        }
        assertEquals(w.toString().replace(System.lineSeparator(), "\n"),
                new String(KeyFiles.encodePem(KeyFiles.PRIVATE_KEY_LABEL, ourDer), StandardCharsets.US_ASCII));

        PeerKey pub = Mp2pIdentity.fromSeed(seed).publicKey();
        byte[] bcSpki = new SubjectPublicKeyInfo(ed25519, pub.encoded()).getEncoded(ASN1Encoding.DER);
        assertArrayEquals(bcSpki, KeyFiles.concat(KeyFiles.SPKI_PREFIX, pub.encoded()));
    }

    @Test
    void acceptsPkcs8WithPublicKeyAttached() throws Exception {
        Mp2pIdentity id = Mp2pIdentity.generate();
        Path key = dir.resolve("v2.pem");
        id.save(key, false);
        Mp2pIdentity loaded = Mp2pIdentity.load(key);
        byte[] seedDer = Base64Der.decode(Files.readString(key));
        byte[] seed = Arrays.copyOfRange(seedDer, KeyFiles.PKCS8_PREFIX.length, seedDer.length);
        AlgorithmIdentifier ed25519 = new AlgorithmIdentifier(KeyFiles.ED25519_OID);
        byte[] v2 = new PrivateKeyInfo(ed25519, new DEROctetString(seed), null, loaded.publicKey().encoded())
                .getEncoded(ASN1Encoding.DER);
        Files.write(key, KeyFiles.encodePem(KeyFiles.PRIVATE_KEY_LABEL, v2));
        assertEquals(id.publicKey(), Mp2pIdentity.load(key).publicKey());

        byte[] wrongPub = Mp2pIdentity.generate().publicKey().encoded();
        byte[] bad = new PrivateKeyInfo(ed25519, new DEROctetString(seed), null, wrongPub).getEncoded(ASN1Encoding.DER);
        Files.write(key, KeyFiles.encodePem(KeyFiles.PRIVATE_KEY_LABEL, bad));
        KeyFormatException e = assertThrows(KeyFormatException.class, () -> Mp2pIdentity.load(key));
        assertTrue(e.getMessage().contains("does not match"), e.getMessage());
    }

    /** Decodes the base64 body of a one-block PEM text. */
    private static final class Base64Der {
        static byte[] decode(String pem) {
            String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return java.util.Base64.getDecoder().decode(body);
        }
    }

    // ---- bad input: always a KeyFormatException with a message naming the file and the problem ----

    private KeyFormatException refused(Path file, KeyFormatException.Reason reason, String... fragments) {
        KeyFormatException e = assertThrows(KeyFormatException.class, () -> Mp2pIdentity.load(file));
        assertEquals(reason, e.reason(), e.getMessage());
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "'" + f + "' not in: " + e.getMessage());
        }
        return e;
    }

    @Test
    void missingFile() {
        refused(dir.resolve("absent.pem"), KeyFormatException.Reason.IO, "does not exist");
    }

    @Test
    void directoryInsteadOfFile() {
        refused(dir, KeyFormatException.Reason.IO, "cannot be read");
    }

    @Test
    void emptyFile() throws IOException {
        Path f = Files.createFile(dir.resolve("key.pem"));
        refused(f, KeyFormatException.Reason.ENCODING, "is not a PEM file");
    }

    @Test
    void garbage() throws IOException {
        Path f = dir.resolve("key.pem");
        byte[] junk = new byte[500];
        new SplittableRandom(SEED).nextBytes(junk);
        Files.write(f, junk);
        refused(f, KeyFormatException.Reason.ENCODING, "is not a PEM file");
    }

    @Test
    void hugeFile() throws IOException {
        Path f = dir.resolve("key.pem");
        Files.write(f, new byte[KeyFiles.MAX_KEY_FILE_SIZE + 1]);
        refused(f, KeyFormatException.Reason.ENCODING, "too large");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 10, 20, 30, 40, 47})
    void truncatedBase64(int keep) throws Exception {
        Path good = dir.resolve("good.pem");
        Mp2pIdentity.generate().save(good, false);
        String[] lines = Files.readString(good).split("\n");
        String body = lines[1].substring(0, keep);
        Path f = dir.resolve("key.pem");
        Files.writeString(f, lines[0] + "\n" + body + "\n" + lines[2] + "\n");
        refused(f, KeyFormatException.Reason.ENCODING);
    }

    @Test
    void truncatedFile() throws Exception {
        Path good = dir.resolve("good.pem");
        Mp2pIdentity.generate().save(good, false);
        String text = Files.readString(good);
        // Everything short of the final line feed; without it the file is still whole.
        for (int cut = 0; cut < text.length() - 1; cut++) {
            Path f = dir.resolve("cut.pem");
            Files.writeString(f, text.substring(0, cut));
            assertThrows(KeyFormatException.class, () -> Mp2pIdentity.load(f), "cut at " + cut);
        }
    }

    @Test
    void invalidBase64Characters() throws IOException {
        Path f = dir.resolve("key.pem");
        Files.writeString(f, "-----BEGIN PRIVATE KEY-----\n!!!!not*base64!!!!\n-----END PRIVATE KEY-----\n");
        refused(f, KeyFormatException.Reason.ENCODING);
    }

    @Test
    void rsaKey() throws Exception {
        Path f = dir.resolve("key.pem");
        opensslOk("genpkey", "-algorithm", "rsa", "-pkeyopt", "rsa_keygen_bits:1024", "-out", f.toString());
        refused(f, KeyFormatException.Reason.ENCODING, "holds an RSA key (1.2.840.113549.1.1.1), not an Ed25519 key");
    }

    @Test
    void x25519KeyInsteadOfEd25519() throws Exception {
        Path f = dir.resolve("key.pem");
        opensslOk("genpkey", "-algorithm", "x25519", "-out", f.toString());
        refused(f, KeyFormatException.Reason.ENCODING, "holds an X25519 key (1.3.101.110)");
    }

    @Test
    void publicKeyInPlaceOfPrivate() throws Exception {
        Path f = dir.resolve("key.pem");
        Files.writeString(f, Mp2pIdentity.generate().publicKey().toPem());
        refused(f, KeyFormatException.Reason.ENCODING, "public key where a private key is expected");
    }

    @Test
    void privateKeyInPlaceOfPublic() throws Exception {
        Path f = dir.resolve("key.pem");
        Mp2pIdentity.generate().save(f, false);
        KeyFormatException e = assertThrows(KeyFormatException.class, () -> PeerKey.load(f));
        assertEquals(KeyFormatException.Reason.ENCODING, e.reason());
        assertTrue(e.getMessage().contains("private key where a public key is expected"), e.getMessage());
    }

    @Test
    void wrongSeedLength() throws Exception {
        AlgorithmIdentifier ed25519 = new AlgorithmIdentifier(KeyFiles.ED25519_OID);
        byte[] der = new PrivateKeyInfo(ed25519, new DEROctetString(new byte[31])).getEncoded(ASN1Encoding.DER);
        Path f = dir.resolve("key.pem");
        Files.write(f, KeyFiles.encodePem(KeyFiles.PRIVATE_KEY_LABEL, der));
        refused(f, KeyFormatException.Reason.LENGTH, "31-byte");
    }

    @Test
    void randomDerNeverEscapesUnchecked() throws Exception {
        SplittableRandom random = new SplittableRandom(SEED);
        Path f = dir.resolve("key.pem");
        byte[] good = KeyFiles.concat(KeyFiles.PKCS8_PREFIX, new byte[Mp2pIdentity.SEED_LENGTH]);
        for (int i = 0; i < FUZZ_CASES; i++) {
            byte[] der = good.clone();
            // Flip one to three bytes of the structure, then sometimes cut it short.
            int flips = 1 + random.nextInt(3);
            for (int j = 0; j < flips; j++) {
                der[random.nextInt(KeyFiles.PKCS8_PREFIX.length)] = (byte) random.nextInt(256);
            }
            if (random.nextBoolean()) {
                der = Arrays.copyOf(der, random.nextInt(der.length));
            }
            Files.write(f, KeyFiles.encodePem(KeyFiles.PRIVATE_KEY_LABEL, der));
            try {
                Mp2pIdentity.load(f);
            } catch (KeyFormatException expected) {
                assertFalse(expected.getMessage().isEmpty());
            }
            // Any other exception fails the test by propagating.
        }
    }

    @Test
    void publicPemBadInput() {
        assertEquals(KeyFormatException.Reason.ENCODING,
                assertThrows(KeyFormatException.class, () -> PeerKey.fromPem("")).reason());
        assertEquals(KeyFormatException.Reason.ENCODING,
                assertThrows(KeyFormatException.class, () -> PeerKey.fromPem(null)).reason());
        // A 32-byte key that is not a prime-order point (all zero bytes encode a small-order point).
        byte[] smallOrder = new byte[PeerKey.LENGTH];
        String pem = new String(KeyFiles.encodePem(KeyFiles.PUBLIC_KEY_LABEL,
                KeyFiles.concat(KeyFiles.SPKI_PREFIX, smallOrder)), StandardCharsets.US_ASCII);
        assertEquals(KeyFormatException.Reason.NOT_ON_CURVE,
                assertThrows(KeyFormatException.class, () -> PeerKey.fromPem(pem)).reason());
    }
}
