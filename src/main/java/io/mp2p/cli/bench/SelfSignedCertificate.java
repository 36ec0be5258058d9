package io.mp2p.cli.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * A P-256 key pair and a self-signed X.509 certificate for it, made in memory at start: the DTLS
 * contender needs one, and neither a keytool child process nor Bouncy Castle's PKIX module (not a
 * dependency of the library) is needed for a certificate with no extensions. The DER structure is
 * written with the ASN.1 classes of bcprov, which the library already depends on; the signature
 * is the JDK's SHA256withECDSA.
 */
final class SelfSignedCertificate {
    private static final String CURVE = "secp256r1";
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final Duration VALIDITY = Duration.ofDays(1);
    /** Valid from a little before now, so clock steps between processes cannot make it "not yet valid". */
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final int SERIAL_BITS = 64;

    final KeyPair keyPair;
    final X509Certificate certificate;

    private SelfSignedCertificate(KeyPair keyPair, X509Certificate certificate) {
        this.keyPair = keyPair;
        this.certificate = certificate;
    }

    static SelfSignedCertificate create(String commonName) throws GeneralSecurityException, IOException {
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC");
        kpg.initialize(new ECGenParameterSpec(CURVE));
        KeyPair kp = kpg.generateKeyPair();
        X500Name name = new X500Name("CN=" + commonName);
        AlgorithmIdentifier algorithm = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
        Instant now = Instant.now();
        V3TBSCertificateGenerator tbs = new V3TBSCertificateGenerator();
        tbs.setSerialNumber(new ASN1Integer(new BigInteger(SERIAL_BITS, new SecureRandom())));
        tbs.setSignature(algorithm);
        tbs.setIssuer(name);
        tbs.setSubject(name);
        tbs.setStartDate(new Time(Date.from(now.minus(BACKDATE))));
        tbs.setEndDate(new Time(Date.from(now.plus(VALIDITY))));
        tbs.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded()));
        TBSCertificate toSign = tbs.generateTBSCertificate();
        Signature signer = Signature.getInstance(SIGNATURE);
        signer.initSign(kp.getPrivate());
        signer.update(toSign.getEncoded(ASN1Encoding.DER));
        byte[] der = new DERSequence(new ASN1Encodable[] {toSign, algorithm, new DERBitString(signer.sign())})
                .getEncoded(ASN1Encoding.DER);
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
        cert.verify(kp.getPublic());
        return new SelfSignedCertificate(kp, cert);
    }
}
