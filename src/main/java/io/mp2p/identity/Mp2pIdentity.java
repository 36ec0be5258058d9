package io.mp2p.identity;

import java.io.IOException;
import java.nio.file.Path;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.security.auth.Destroyable;

import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A node's own identity: an Ed25519 key pair (RFC 8032). The public half is the node's
 * {@link PeerKey}; the private half signs node records and, in its X25519 form, is the Noise static key.
 *
 * <p>Holds secret material: call {@link #destroy()} when done.
 *
 * <pre>{@code
 * Mp2pIdentity me = Mp2pIdentity.generate();
 * System.out.println(me.publicKey().toHex());
 * me.save(Path.of("node.key"), false);          // PKCS#8 PEM, mode 0600, as openssl genpkey writes
 * Mp2pIdentity same = Mp2pIdentity.load(Path.of("node.key"));
 * byte[] noiseStatic = same.x25519PrivateKey();  // the Noise static private key; zero it after use
 * }</pre>
 */
public final class Mp2pIdentity implements Destroyable {
    /** Length of the Ed25519 private seed in bytes. */
    public static final int SEED_LENGTH = Ed25519.SECRET_KEY_SIZE;
    /** Length of an Ed25519 signature in bytes. */
    public static final int SIGNATURE_LENGTH = Ed25519.SIGNATURE_SIZE;

    /** Bytes of SHA-512(seed) that RFC 8032 makes the secret scalar; the rest is the nonce prefix. */
    private static final int SCALAR_LENGTH = 32;
    private static final int SHA512_LENGTH = 64;
    /** RFC 7748 clamping: clear the 3 low bits (cofactor 8), clear bit 255 and set bit 254. */
    private static final int CLAMP_LOW = 248;
    private static final int CLAMP_HIGH_CLEAR = 127;
    private static final int CLAMP_HIGH_SET = 64;
    /** PKCS#8 v1 (RFC 5208) and v2 (OneAsymmetricKey, RFC 5958) as version numbers in the DER. */
    private static final int PKCS8_V1 = 0;
    private static final int PKCS8_V2 = 1;

    private final byte[] seed;
    private final PeerKey publicKey;
    private volatile boolean destroyed;

    private Mp2pIdentity(byte[] seed) {
        this.seed = seed;
        byte[] pub = new byte[PeerKey.LENGTH];
        Ed25519.generatePublicKey(seed, 0, pub, 0);
        try {
            this.publicKey = PeerKey.fromBytes(pub);
        } catch (KeyFormatException e) {
            // Ed25519 key generation always yields a valid prime-order point.
            throw new IllegalStateException("Ed25519 derived an invalid public key", e);
        }
    }

    /** A new identity from the system's strong random source. */
    public static Mp2pIdentity generate() {
        return generate(new SecureRandom());
    }

    /** A new identity from the given random source. */
    public static Mp2pIdentity generate(SecureRandom random) {
        byte[] seed = new byte[SEED_LENGTH];
        Ed25519.generatePrivateKey(random, seed);
        return new Mp2pIdentity(seed);
    }

    /** The identity whose RFC 8032 private key (seed) is these 32 bytes; the array is copied. */
    public static Mp2pIdentity fromSeed(byte[] seed) throws KeyFormatException {
        if (seed == null || seed.length != SEED_LENGTH) {
            throw new KeyFormatException(KeyFormatException.Reason.LENGTH,
                    "an Ed25519 private key is " + SEED_LENGTH + " bytes, got " + (seed == null ? "none" : seed.length));
        }
        return new Mp2pIdentity(seed.clone());
    }

    /** This node's public key. */
    public PeerKey publicKey() {
        return publicKey;
    }

    /**
     * The X25519 private key that goes with {@link #x25519PublicKey()}: the first 32 bytes of SHA-512(seed),
     * clamped as RFC 7748 does, exactly libsodium's {@code crypto_sign_ed25519_sk_to_curve25519}. It is the
     * scalar RFC 8032 signs with, so the X25519 and Ed25519 public keys are the same point in two coordinates.
     *
     * @return a fresh copy; the caller zeroes it when done
     */
    public byte[] x25519PrivateKey() {
        checkLive();
        byte[] digest = new byte[SHA512_LENGTH];
        try {
            MessageDigest sha512 = MessageDigest.getInstance("SHA-512");
            sha512.update(seed);
            sha512.digest(digest, 0, SHA512_LENGTH);
            byte[] k = Arrays.copyOf(digest, SCALAR_LENGTH);
            k[0] &= (byte) CLAMP_LOW;
            k[SCALAR_LENGTH - 1] &= (byte) CLAMP_HIGH_CLEAR;
            k[SCALAR_LENGTH - 1] |= (byte) CLAMP_HIGH_SET;
            return k;
        } catch (NoSuchAlgorithmException | DigestException e) {
            throw new IllegalStateException("every Java platform must provide SHA-512", e);
        } finally {
            Arrays.fill(digest, (byte) 0);
        }
    }

    /** This node's X25519 public key (its Noise static key): {@code publicKey().x25519PublicKey()}. */
    public byte[] x25519PublicKey() {
        return publicKey.x25519PublicKey();
    }

    /**
     * Reads a PEM "PRIVATE KEY" file (PKCS#8, RFC 8410) holding an Ed25519 key, as
     * {@code openssl genpkey -algorithm ed25519} writes it.
     *
     * @throws KeyFormatException with reason IO when the file is missing or unreadable, ENCODING when it is not an
     *         Ed25519 PKCS#8 PEM file; the message names the file and what was found
     */
    public static Mp2pIdentity load(Path path) throws KeyFormatException {
        byte[] text = KeyFiles.readFile(path);
        PemObject pem = null;
        try {
            pem = KeyFiles.readPem(text, path.toString(), KeyFiles.PRIVATE_KEY_LABEL);
            return new Mp2pIdentity(parsePkcs8(pem.getContent(), path.toString()));
        } finally {
            Arrays.fill(text, (byte) 0);
            if (pem != null) {
                // PemObject hands out its own array, so this wipes the decoded DER.
                Arrays.fill(pem.getContent(), (byte) 0);
            }
        }
    }

    /**
     * Reads the identity in a PKCS12 key store file, as {@code keytool -genkeypair -keyalg Ed25519 -storetype PKCS12}
     * or {@link #savePkcs12} writes it: the only private-key entry holding an Ed25519 key. The password is not
     * cleared here: it stays the caller's, to clear when done ({@code Arrays.fill(password, '\0')}).
     *
     * <pre>{@code
     * char[] password = System.console().readPassword("key store password: ");
     * try {
     *     Mp2pIdentity me = Mp2pIdentity.loadPkcs12(Path.of("node.p12"), password);
     * } finally {
     *     Arrays.fill(password, '\0');
     * }
     * }</pre>
     *
     * @throws KeyFormatException with reason IO when the file cannot be read, PASSWORD when the password is wrong,
     *         ENCODING when it is not a PKCS12 store or holds no (or several) Ed25519 keys; the message names the file
     */
    public static Mp2pIdentity loadPkcs12(Path path, char[] password) throws KeyFormatException {
        return Pkcs12Files.load(path, password);
    }

    /**
     * Reads the identity in entry {@code alias} of a loaded {@link java.security.KeyStore} (any type whose entries
     * the JDK can read, PKCS12 usually), or, when {@code alias} is null, in its only Ed25519 private-key entry. The
     * certificate of the entry must hold the entry's public key; it is otherwise ignored (the key is the identity).
     *
     * @throws KeyFormatException naming the entry when it is missing, not Ed25519, or the password is wrong
     */
    public static Mp2pIdentity fromKeyStore(java.security.KeyStore store, String alias, char[] password)
            throws KeyFormatException {
        return Pkcs12Files.fromKeyStore(store, alias, password, "the key store");
    }

    /**
     * Writes this identity as a PKCS12 key store (one entry, alias {@code "mp2p"}, with a self-signed Ed25519
     * certificate whose subject is {@code CN=<base32>.mp2p}), the form keytool and {@code openssl pkcs12} read.
     * Like {@link #save}, the file has mode 0600 from its creation and is moved into place whole.
     *
     * <pre>{@code
     * Mp2pIdentity me = Mp2pIdentity.generate();
     * me.savePkcs12(Path.of("node.p12"), password, false);
     * // keytool -list -v -keystore node.p12   shows a PrivateKeyEntry, "Signature algorithm name: Ed25519"
     * }</pre>
     *
     * @throws java.nio.file.FileAlreadyExistsException when the file exists and {@code overwrite} is false
     */
    public void savePkcs12(Path path, char[] password, boolean overwrite) throws IOException {
        checkLive();
        if (password == null || password.length == 0) {
            throw new IllegalArgumentException("a PKCS12 key store needs a password");
        }
        byte[] der = KeyFiles.concat(KeyFiles.PKCS8_PREFIX, seed);
        try {
            Pkcs12Files.save(Pkcs12Files.toKeyStore(this, Pkcs12Files.DEFAULT_ALIAS, password, der), path, password,
                    overwrite);
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    /** The 32-byte seed of a PKCS#8 Ed25519 key (v1, or v2 with a matching public key); the caller zeroes it. */
    static byte[] parsePkcs8(byte[] der, String source) throws KeyFormatException {
        PrivateKeyInfo info;
        try {
            info = PrivateKeyInfo.getInstance(ASN1Primitive.fromByteArray(der));
        } catch (IOException | RuntimeException e) {
            // Bouncy Castle reports malformed DER with IOException, IllegalArgumentException and relatives.
            throw new KeyFormatException(KeyFormatException.Reason.ENCODING,
                    source + " does not hold a valid PKCS#8 structure: " + KeyFiles.describe(e), e);
        }
        ASN1OctetString wrapped = info.getPrivateKey();
        try {
            return seedOf(info, source);
        } finally {
            // The octets are Bouncy Castle's own copy of the encoded seed.
            Arrays.fill(wrapped.getOctets(), (byte) 0);
        }
    }

    private static byte[] seedOf(PrivateKeyInfo info, String source) throws KeyFormatException {
        KeyFiles.checkEd25519(info.getPrivateKeyAlgorithm(), source);
        ASN1Integer version = info.getVersion();
        if (!version.hasValue(PKCS8_V1) && !version.hasValue(PKCS8_V2)) {
            throw new KeyFormatException(KeyFormatException.Reason.ENCODING,
                    source + ": unknown PKCS#8 version " + version.getValue());
        }
        ASN1OctetString inner;
        try {
            inner = ASN1OctetString.getInstance(info.parsePrivateKey());
        } catch (IOException | RuntimeException e) {
            throw new KeyFormatException(KeyFormatException.Reason.ENCODING,
                    source + ": the Ed25519 private key is not an OCTET STRING: " + KeyFiles.describe(e), e);
        }
        byte[] octets = inner.getOctets();
        try {
            if (octets.length != SEED_LENGTH) {
                throw new KeyFormatException(KeyFormatException.Reason.LENGTH, source + " holds a " + octets.length
                        + "-byte private key; an Ed25519 private key is " + SEED_LENGTH + " bytes");
            }
            byte[] seed = octets.clone();
            checkEmbeddedPublicKey(info, seed, source);
            return seed;
        } finally {
            Arrays.fill(octets, (byte) 0);
        }
    }

    /** A PKCS#8 v2 file may repeat the public key; one that does not match the seed means a corrupted file. */
    private static void checkEmbeddedPublicKey(PrivateKeyInfo info, byte[] seed, String source)
            throws KeyFormatException {
        ASN1BitString embedded = info.getPublicKeyData();
        if (embedded == null) {
            return;
        }
        byte[] derived = new byte[PeerKey.LENGTH];
        Ed25519.generatePublicKey(seed, 0, derived, 0);
        if (embedded.getPadBits() != 0 || !MessageDigest.isEqual(derived, embedded.getBytes())) {
            Arrays.fill(seed, (byte) 0);
            throw new KeyFormatException(KeyFormatException.Reason.ENCODING,
                    source + ": the public key stored in the file does not match its private key");
        }
    }

    /**
     * Writes this identity as a PEM "PRIVATE KEY" (PKCS#8 v1, RFC 8410), the form openssl reads and writes. The
     * file is created with mode 0600 (where the file system has POSIX permissions), written in full and forced to
     * disk under a temporary name, then moved into place, so it is never readable by others nor half-written.
     *
     * @param overwrite replace an existing file; when false an existing file is left alone
     * @throws java.nio.file.FileAlreadyExistsException when the file exists and {@code overwrite} is false
     * @throws IOException when the file cannot be written
     */
    public void save(Path path, boolean overwrite) throws IOException {
        checkLive();
        byte[] der = KeyFiles.concat(KeyFiles.PKCS8_PREFIX, seed);
        byte[] pem = null;
        try {
            pem = KeyFiles.encodePem(KeyFiles.PRIVATE_KEY_LABEL, der);
            KeyFiles.writePrivate(path, pem, overwrite);
        } finally {
            Arrays.fill(der, (byte) 0);
            if (pem != null) {
                Arrays.fill(pem, (byte) 0);
            }
        }
    }

    /** Signs {@code message} with Ed25519 (pure, no context). */
    public byte[] sign(byte[] message) {
        checkLive();
        byte[] signature = new byte[SIGNATURE_LENGTH];
        Ed25519.sign(seed, 0, message, 0, message.length, signature, 0);
        return signature;
    }

    /** Zeroes the private key. Later use throws {@link IllegalStateException}. */
    @Override
    public void destroy() {
        destroyed = true;
        Arrays.fill(seed, (byte) 0);
    }

    @Override
    public boolean isDestroyed() {
        return destroyed;
    }

    private void checkLive() {
        if (destroyed) {
            throw new IllegalStateException("this identity was destroyed");
        }
    }

    /** Never prints the private key. */
    @Override
    public String toString() {
        return "Mp2pIdentity[" + publicKey.toHex() + "]";
    }
}
