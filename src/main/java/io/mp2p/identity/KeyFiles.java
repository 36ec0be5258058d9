package io.mp2p.identity;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * Reading and writing of PEM key files, shared by {@link PeerKey} and {@link Mp2pIdentity}. Package-private:
 * the public entry points are {@link Mp2pIdentity#load(Path)}, {@link Mp2pIdentity#save(Path, boolean)},
 * {@link PeerKey#load(Path)} and {@link PeerKey#fromPem(String)}.
 */
final class KeyFiles {
    /** RFC 8410 algorithm identifier of Ed25519. */
    static final ASN1ObjectIdentifier ED25519_OID = new ASN1ObjectIdentifier("1.3.101.112");
    /** PEM label of a PKCS#8 private key (RFC 7468 section 10). */
    static final String PRIVATE_KEY_LABEL = "PRIVATE KEY";
    /** PEM label of an X.509 SubjectPublicKeyInfo (RFC 7468 section 13). */
    static final String PUBLIC_KEY_LABEL = "PUBLIC KEY";

    /**
     * DER of a PKCS#8 v1 Ed25519 private key up to the 32 seed bytes (RFC 8410 section 7): SEQUENCE(46) { INTEGER 0,
     * SEQUENCE { OID 1.3.101.112 }, OCTET STRING(34) { OCTET STRING(32) { seed } } }. This is what openssl writes.
     */
    static final byte[] PKCS8_PREFIX = java.util.HexFormat.of().parseHex("302e020100300506032b657004220420");
    /** DER of an Ed25519 SubjectPublicKeyInfo up to the 32 key bytes: SEQUENCE { SEQUENCE { OID }, BIT STRING }. */
    static final byte[] SPKI_PREFIX = java.util.HexFormat.of().parseHex("302a300506032b6570032100");

    /** A key file is a few hundred bytes; refusing big files keeps a wrong path from filling memory. */
    static final int MAX_KEY_FILE_SIZE = 64 * 1024;
    /** RFC 7468 lines of base64 are 64 characters. */
    private static final int PEM_LINE_LENGTH = 64;

    /** Names for algorithms someone may plausibly hand us by mistake, so the message can say what it was. */
    private static final Map<String, String> ALGORITHM_NAMES = Map.of(
            "1.2.840.113549.1.1.1", "an RSA",
            "1.2.840.10045.2.1", "an EC",
            "1.2.840.10040.4.1", "a DSA",
            "1.3.101.110", "an X25519",
            "1.3.101.111", "an X448",
            "1.3.101.113", "an Ed448",
            "1.2.840.113549.1.1.10", "an RSA-PSS");

    private KeyFiles() {
    }

    /** "holds an RSA key (1.2.840.113549.1.1.1), not an Ed25519 key" and the like. */
    static String wrongAlgorithm(String source, ASN1ObjectIdentifier oid) {
        String name = ALGORITHM_NAMES.getOrDefault(oid.getId(), "a");
        return source + " holds " + name + " key (" + oid.getId() + "), not an Ed25519 key";
    }

    /**
     * Checks that an algorithm identifier is Ed25519's as RFC 8410 writes it: OID 1.3.101.112 with no
     * parameters. Both key forms (PKCS#8 and SPKI) carry one.
     */
    static void checkEd25519(AlgorithmIdentifier algorithm, String source) throws KeyFormatException {
        if (!ED25519_OID.equals(algorithm.getAlgorithm())) {
            throw new KeyFormatException(KeyFormatException.Reason.ENCODING,
                    wrongAlgorithm(source, algorithm.getAlgorithm()));
        }
        if (algorithm.getParameters() != null) {
            throw new KeyFormatException(KeyFormatException.Reason.ENCODING,
                    source + ": RFC 8410 says the Ed25519 algorithm identifier has no parameters");
        }
    }

    /**
     * Reads a whole key file. The caller owns (and zeroes) the returned array.
     *
     * @throws KeyFormatException with {@link KeyFormatException.Reason#IO} when the file cannot be read
     */
    static byte[] readFile(Path path) throws KeyFormatException {
        try (InputStream in = Files.newInputStream(path)) {
            byte[] bytes = in.readNBytes(MAX_KEY_FILE_SIZE + 1);
            if (bytes.length > MAX_KEY_FILE_SIZE) {
                Arrays.fill(bytes, (byte) 0);
                throw new KeyFormatException(KeyFormatException.Reason.ENCODING,
                        path + " is larger than " + MAX_KEY_FILE_SIZE + " bytes, too large to be a key file");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new KeyFormatException(KeyFormatException.Reason.IO, path + " does not exist", e);
        } catch (AccessDeniedException e) {
            throw new KeyFormatException(KeyFormatException.Reason.IO, path + " cannot be read: permission denied", e);
        } catch (IOException e) {
            throw new KeyFormatException(KeyFormatException.Reason.IO, path + " cannot be read: " + e.getMessage(), e);
        }
    }

    /**
     * Parses the first PEM block of {@code text}, which must carry {@code expectedLabel}.
     *
     * @param source how messages name the input, e.g. the path
     */
    static PemObject readPem(byte[] text, String source, String expectedLabel) throws KeyFormatException {
        return readPem(new InputStreamReader(new ByteArrayInputStream(text), StandardCharsets.US_ASCII), source,
                expectedLabel);
    }

    static PemObject readPem(Reader text, String source, String expectedLabel) throws KeyFormatException {
        PemObject pem;
        try (PemReader reader = new PemReader(text)) {
            pem = reader.readPemObject();
        } catch (IOException | RuntimeException e) {
            // PemReader reports bad base64 and a missing END line with runtime exceptions as well as IOExceptions.
            throw new KeyFormatException(KeyFormatException.Reason.ENCODING,
                    source + " is not a valid PEM file: " + describe(e), e);
        }
        if (pem == null) {
            throw new KeyFormatException(KeyFormatException.Reason.ENCODING,
                    source + " is not a PEM file (no -----BEGIN " + expectedLabel + "----- line)");
        }
        if (!expectedLabel.equals(pem.getType())) {
            Arrays.fill(pem.getContent(), (byte) 0);
            throw new KeyFormatException(KeyFormatException.Reason.ENCODING, source + " holds a PEM \""
                    + pem.getType() + "\" block, " + labelHint(pem.getType()) + "expected \"" + expectedLabel + "\"");
        }
        if (pem.getContent().length == 0) {
            throw new KeyFormatException(KeyFormatException.Reason.ENCODING,
                    source + " has an empty PEM \"" + expectedLabel + "\" block");
        }
        return pem;
    }

    private static String labelHint(String label) {
        if (label.equals(PUBLIC_KEY_LABEL)) {
            return "a public key where a private key is ";
        }
        if (label.equals(PRIVATE_KEY_LABEL)) {
            return "a private key where a public key is ";
        }
        if (label.equals("ENCRYPTED PRIVATE KEY")) {
            return "an encrypted private key (decrypt it with openssl pkey first); ";
        }
        if (label.equals("RSA PRIVATE KEY") || label.equals("EC PRIVATE KEY") || label.equals("OPENSSH PRIVATE KEY")) {
            return "not an Ed25519 PKCS#8 key; ";
        }
        return "";
    }

    static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isEmpty() ? e.getClass().getSimpleName() : m;
    }

    /**
     * PEM text of {@code der} under {@code label}, as RFC 7468 and openssl write it ("\n" line ends, 64-character
     * lines), in a byte array the caller zeroes. Done here rather than with Bouncy Castle's PemWriter because that
     * buffers the base64 in char arrays and Strings that cannot be wiped.
     */
    static byte[] encodePem(String label, byte[] der) {
        byte[] header = ("-----BEGIN " + label + "-----\n").getBytes(StandardCharsets.US_ASCII);
        byte[] footer = ("-----END " + label + "-----\n").getBytes(StandardCharsets.US_ASCII);
        byte[] base64 = Base64.getEncoder().encode(der);
        try {
            int lines = (base64.length + PEM_LINE_LENGTH - 1) / PEM_LINE_LENGTH;
            byte[] out = new byte[header.length + base64.length + lines + footer.length];
            System.arraycopy(header, 0, out, 0, header.length);
            int pos = header.length;
            for (int i = 0; i < base64.length; i += PEM_LINE_LENGTH) {
                int n = Math.min(PEM_LINE_LENGTH, base64.length - i);
                System.arraycopy(base64, i, out, pos, n);
                pos += n;
                out[pos++] = '\n';
            }
            System.arraycopy(footer, 0, out, pos, footer.length);
            return out;
        } finally {
            Arrays.fill(base64, (byte) 0);
        }
    }

    /**
     * Writes {@code content} to {@code target} so that no other user can ever read it and a crash leaves either the
     * old file or the whole new one: a temporary file in the same directory, created with mode 0600 where the file
     * system has POSIX permissions, written, forced to disk, then moved into place.
     */
    static void writePrivate(Path target, byte[] content, boolean overwrite) throws IOException {
        if (!overwrite && Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            throw alreadyExists(target);
        }
        Path dir = target.toAbsolutePath().getParent();
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp", attrs);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            if (overwrite) {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                moveNoClobber(tmp, target);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * rename(2) silently replaces an existing file, so a file created after our check would be lost; a hard link
     * fails instead. File systems without hard links fall back to a plain move, which refuses an existing target.
     */
    private static void moveNoClobber(Path tmp, Path target) throws IOException {
        try {
            Files.createLink(target, tmp);
        } catch (FileAlreadyExistsException e) {
            throw alreadyExists(target);
        } catch (UnsupportedOperationException | FileSystemException e) {
            try {
                Files.move(tmp, target);
            } catch (FileAlreadyExistsException e2) {
                throw alreadyExists(target);
            }
        }
    }

    private static FileAlreadyExistsException alreadyExists(Path target) {
        return new FileAlreadyExistsException(target.toString(), null,
                "the key file already exists and was not replaced; use --force to overwrite it");
    }

    /** {@code a || b} in a new array. */
    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
