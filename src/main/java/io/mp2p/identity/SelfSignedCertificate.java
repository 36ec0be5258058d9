package io.mp2p.identity;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;

/**
 * The self-signed X.509 certificate a PKCS12 key entry must carry (a {@code KeyStore} stores a private key only
 * with a certificate chain). It has the shape {@code keytool -genkeypair -keyalg Ed25519} gives its certificates:
 * version 3, a random positive serial, signature algorithm Ed25519 (RFC 8410), issuer = subject, a Subject Key
 * Identifier; and a Subject Alternative Name with the key's host name. mp2p never trusts the certificate (the key is
 * the identity); it is only the container PKCS12 asks for.
 *
 * <p>Built from Bouncy Castle's ASN.1 classes in bcprov and signed with our own Ed25519, rather than with bcpkix's
 * certificate builder: the structure is fixed and small, and bcpkix would add a jar to every library user.
 */
final class SelfSignedCertificate {
    /** RFC 5280 section 4.1.2.5: 99991231235959Z means "no well-defined expiration date". */
    static final Instant NO_EXPIRY = Instant.parse("9999-12-31T23:59:59Z");
    /** Serial numbers are positive and at most 20 octets (RFC 5280 section 4.1.2.2); keytool uses 8 random bytes. */
    private static final int SERIAL_BYTES = 8;

    private SelfSignedCertificate() {
    }

    /** A certificate for {@code identity}, subject {@code CN=<base32>.mp2p}, valid from now (to the second). */
    static X509Certificate create(Mp2pIdentity identity, SecureRandom random) {
        PeerKey key = identity.publicKey();
        X500Name name = new X500Name("CN=" + key.hostName());
        AlgorithmIdentifier ed25519 = new AlgorithmIdentifier(KeyFiles.ED25519_OID);
        byte[] serial = new byte[SERIAL_BYTES];
        random.nextBytes(serial);
        try {
            SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(KeyFiles.concat(KeyFiles.SPKI_PREFIX,
                    key.encoded()));
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectKeyIdentifier, false,
                    new SubjectKeyIdentifier(sha1(spki.getPublicKeyData().getBytes())));
            extensions.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, key.hostName())));

            V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
            tbs.setSerialNumber(new ASN1Integer(new BigInteger(1, serial)));
            tbs.setSignature(ed25519);
            tbs.setIssuer(name);
            tbs.setSubject(name);
            tbs.setStartDate(new Time(Date.from(Instant.now().truncatedTo(ChronoUnit.SECONDS))));
            tbs.setEndDate(new Time(Date.from(NO_EXPIRY)));
            tbs.setSubjectPublicKeyInfo(spki);
            tbs.setExtensions(extensions.generate());
            TBSCertificate certificate = tbs.generateTBSCertificate();

            byte[] signature = identity.sign(certificate.getEncoded(ASN1Encoding.DER));
            byte[] der = new DERSequence(new ASN1Encodable[] {certificate, ed25519, new DERBitString(signature)})
                    .getEncoded(ASN1Encoding.DER);
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (IOException | CertificateException e) {
            // Every input is ours and well-formed: failing here is a bug, not a user's mistake.
            throw new IllegalStateException("could not build the self-signed certificate", e);
        }
    }

    /** RFC 5280 section 4.2.1.2 method (1): SHA-1 of the subjectPublicKey bits, as keytool computes it. */
    private static byte[] sha1(byte[] publicKeyBits) {
        try {
            return MessageDigest.getInstance("SHA-1").digest(publicKeyBits);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-1", e);
        }
    }
}
