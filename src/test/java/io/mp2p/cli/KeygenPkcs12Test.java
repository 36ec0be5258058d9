package io.mp2p.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.mp2p.identity.Mp2pIdentity;

/**
 * {@code mp2p keygen --pkcs12 FILE} in a child JVM: the password comes from the environment (there is no terminal
 * to ask on), and the store it writes is read back by keytool, openssl and our own loader.
 */
class KeygenPkcs12Test {
    private static final String PASSWORD = "s3cret-store";

    @TempDir
    Path dir;

    private record Run(int exitCode, String stdout, String stderr) {
    }

    private static Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return runCommand(Cli.command(args), env);
    }

    private static Run runCommand(List<String> command, Map<String, String> env)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove(StorePassword.ENV);
        pb.environment().remove("MP2P_DEBUG");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        // Outputs are a few lines: reading one stream to its end before the other cannot fill a pipe.
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Run(p.exitValue(), out, err);
    }

    @Test
    void writesAStoreThatKeytoolAndOpensslRead() throws Exception {
        Path store = dir.resolve("node.p12");
        Run r = run(Map.of(StorePassword.ENV, PASSWORD), "keygen", "--pkcs12", store.toString());
        assertEquals(0, r.exitCode(), r.stderr());
        String hex = r.stdout().strip();
        assertTrue(r.stderr().contains("wrote " + store), r.stderr());

        Mp2pIdentity loaded = Mp2pIdentity.loadPkcs12(store, PASSWORD.toCharArray());
        assertEquals(hex, loaded.publicKey().toHex());

        Map<String, String> env = Map.of("P", PASSWORD);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Run listing = runCommand(List.of(keytool, "-list", "-v", "-keystore", store.toString(), "-storepass:env", "P"),
                env);
        assertEquals(0, listing.exitCode(), listing.stdout() + listing.stderr());
        assertTrue(listing.stdout().contains("Entry type: PrivateKeyEntry"), listing.stdout());
        assertTrue(listing.stdout().contains("Owner: CN=" + loaded.publicKey().hostName()), listing.stdout());

        Path pem = dir.resolve("from-openssl.pem");
        Run openssl = runCommand(List.of("openssl", "pkcs12", "-in", store.toString(), "-nocerts", "-nodes",
                "-passin", "env:P", "-out", pem.toString()), env);
        assertEquals(0, openssl.exitCode(), openssl.stderr());
        assertEquals(hex, Mp2pIdentity.load(pem).publicKey().toHex());
        loaded.destroy();
    }

    @Test
    void withoutATerminalOrTheVariableItSaysWhereThePasswordComesFrom() throws Exception {
        Path store = dir.resolve("none.p12");
        Run r = run(Map.of(), "keygen", "--pkcs12", store.toString());
        assertEquals(ExitCodes.FAILURE, r.exitCode());
        assertTrue(r.stderr().startsWith("mp2p: no password for "), r.stderr());
        assertTrue(r.stderr().contains(StorePassword.ENV), r.stderr());
        assertFalse(r.stderr().contains("Exception"), r.stderr());
        assertFalse(Files.exists(store));
    }

    @Test
    void refusesShortPasswordsAndBothOutputs() throws Exception {
        Run shortPassword = run(Map.of(StorePassword.ENV, "abc"), "keygen", "--pkcs12", dir.resolve("s.p12").toString());
        assertEquals(ExitCodes.FAILURE, shortPassword.exitCode());
        assertTrue(shortPassword.stderr().contains("at least 6 characters"), shortPassword.stderr());

        List<String> both = new ArrayList<>(List.of("keygen", "-o", dir.resolve("k.pem").toString(), "--pkcs12",
                dir.resolve("k.p12").toString()));
        Run r = run(Map.of(StorePassword.ENV, PASSWORD), both.toArray(new String[0]));
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertTrue(r.stderr().contains("alternatives"), r.stderr());
    }
}
