package io.mp2p.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyManagementException;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.security.Provider;
import java.security.Security;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mp2p.identity.Mp2pIdentity;

/**
 * The three ways a JCA provider is found: {@code Security.addProvider}, a {@code security.provider.N} line in a
 * {@code java.security} file (in a child JVM started with {@code -Djava.security.properties}), and
 * {@link ServiceLoader} through {@code META-INF/services/java.security.Provider} (also in a child JVM, where nothing
 * is installed).
 */
class ProviderLookupTest {
    private static final String AESGCM = "Noise_IK_25519_AESGCM_SHA256";
    private static final String CHACHA = "Noise_IK_25519_ChaChaPoly_BLAKE2s";

    @TempDir
    Path dir;

    @Test
    void throughSecurityAddProvider() throws Exception {
        Mp2pProvider provider = new Mp2pProvider();
        assertTrue(Security.addProvider(provider) > 0);
        try {
            SecureChannelContext byAlias = SecureChannelContext.getInstance("mp2p");
            assertSame(provider, byAlias.getProvider());
            assertEquals(AESGCM, byAlias.getAlgorithm(), "the alias resolves to the standard name");
            SecureChannelContext byName = SecureChannelContext.getInstance(CHACHA.toLowerCase(), Mp2pProvider.NAME);
            assertEquals(CHACHA, byName.getAlgorithm(), "algorithm names match without regard to case");
            Provider.Service s = provider.getService(Mp2pProvider.SECURE_CHANNEL, AESGCM);
            assertEquals(AESGCM, s.getAttribute(Mp2pProvider.NOISE_PROTOCOL));
            assertEquals(2, provider.getServices().size(), "one service per suite, and nothing else (no SSLContext)");
        } finally {
            Security.removeProvider(Mp2pProvider.NAME);
        }
    }

    @Test
    void unknownAlgorithmsAndProvidersAreRefusedTheJcaWay() {
        assertThrows(NoSuchAlgorithmException.class, () -> SecureChannelContext.getInstance("TLSv1.3"));
        assertThrows(NoSuchProviderException.class, () -> SecureChannelContext.getInstance("mp2p", "NoSuchProvider"));
        assertThrows(NoSuchAlgorithmException.class,
                () -> SecureChannelContext.getInstance("mp2p", Security.getProvider("SUN")));
    }

    @Test
    void serviceLoaderListsTheProvider() {
        List<String> found = new ArrayList<>();
        for (ServiceLoader.Provider<Provider> p : ServiceLoader.load(Provider.class).stream().toList()) {
            found.add(p.type().getName());
        }
        assertTrue(found.contains(Mp2pProvider.class.getName()), found.toString());
    }

    @Test
    void withNothingInstalledGetInstanceFallsBackToServiceLoader() throws Exception {
        List<String> lines = probe(List.of());
        assertTrue(lines.contains("installedPosition=0"), "not installed: " + lines);
        assertTrue(lines.contains("provider=" + Mp2pProvider.NAME), lines.toString());
        assertTrue(lines.contains("algorithm=" + AESGCM), lines.toString());
    }

    @Test
    void throughAJavaSecurityFile() throws Exception {
        int next = 1;
        while (Security.getProperty("security.provider." + next) != null) {
            next++;
        }
        Path file = dir.resolve("mp2p.security");
        Files.writeString(file, "security.provider." + next + "=" + Mp2pProvider.class.getName() + "\n",
                StandardCharsets.UTF_8);
        List<String> lines = probe(List.of("-Djava.security.properties=" + file));
        assertTrue(lines.contains("installedPosition=" + next), "installed as provider " + next + ": " + lines);
        assertTrue(lines.contains("sameAsInstalled=true"), lines.toString());
    }

    @Test
    void initRefusesX509ManagersAndUseBeforeInit() throws Exception {
        SecureChannelContext ctx = SecureChannelContext.getInstance("mp2p", new Mp2pProvider());
        Mp2pIdentity peer = Mp2pIdentity.generate();
        assertThrows(IllegalStateException.class, () -> ctx.createEngine(peer.publicKey(), true));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(null, null);
        KeyManagementException e = assertThrows(KeyManagementException.class,
                () -> ctx.init(kmf.getKeyManagers(), null, null));
        assertTrue(e.getMessage().contains("not X.509 certificates"), e.getMessage());
        assertThrows(KeyManagementException.class,
                () -> ctx.init(null, new TrustManager[] {new javax.net.ssl.X509TrustManager() {
                    @Override
                    public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
                    }

                    @Override
                    public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
                    }

                    @Override
                    public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                        return new java.security.cert.X509Certificate[0];
                    }
                }}, null));
        ctx.init(new KeyManager[0], null, null);
        try (SecureChannelEngine anonymous = ctx.createEngine(peer.publicKey(), true)) {
            assertEquals(SecureChannelEngineResult.HandshakeStatus.NEED_WRAP, anonymous.getHandshakeStatus(),
                    "no key manager: a random identity, and the handshake can start");
        }
    }

    /** Runs {@link ProviderProbe} in a child JVM on this test's class path and returns its lines. */
    private static List<String> probe(List<String> jvmOptions) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ProviderProbe.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the probe did not finish: " + out);
        }
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }
}
