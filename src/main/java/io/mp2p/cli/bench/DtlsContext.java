package io.mp2p.cli.bench;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;

/**
 * JSSE's DTLS 1.2 as a Java application would set it up: {@code SSLContext.getInstance("DTLSv1.2")}
 * with the JDK's default provider and cipher suites, a self-signed P-256 certificate made at start,
 * trusted by both sides, and client authentication required, since an mp2p handshake authenticates
 * both peers too.
 */
final class DtlsContext {
    static final String PROTOCOL = "DTLSv1.2";
    private static final String ALIAS = "bench";
    private static final char[] PASSWORD = "bench".toCharArray();

    private final SSLContext context;

    private DtlsContext(SSLContext context) {
        this.context = context;
    }

    static DtlsContext create() throws BenchException {
        try {
            SelfSignedCertificate cert = SelfSignedCertificate.create("mp2p bench DTLS");
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry(ALIAS, cert.keyPair.getPrivate(), PASSWORD, new Certificate[] {cert.certificate});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PASSWORD);
            KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            trusted.setCertificateEntry(ALIAS, cert.certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            SSLContext ctx = SSLContext.getInstance(PROTOCOL);
            ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return new DtlsContext(ctx);
        } catch (GeneralSecurityException | IOException e) {
            throw new BenchException("DTLS: cannot set up " + PROTOCOL + " with a self-signed certificate: " + e, e);
        }
    }

    /**
     * A new engine: no session to resume (it is created without a peer host and port), so every
     * handshake is a full one.
     */
    SSLEngine engine(boolean client) {
        SSLEngine e = context.createSSLEngine();
        e.setUseClientMode(client);
        if (!client) {
            e.setNeedClientAuth(true);
        }
        return e;
    }
}
