package io.mp2p.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import io.mp2p.identity.KeyFormatException;
import io.mp2p.identity.Mp2pIdentity;
import picocli.CommandLine.Option;

/** {@code -k FILE}: the private key; default {@code $MP2P_KEY}, else {@code ~/.mp2p/identity.pem}. */
final class KeyOption {
    @Option(names = {"-k", "--key"}, paramLabel = "FILE",
            description = "private key (PEM PKCS#8); default: $MP2P_KEY, else ~/.mp2p/identity.pem")
    Path key;

    /** The default key path: {@code $MP2P_KEY} or {@code ~/.mp2p/identity.pem}. */
    static Path defaultPath() {
        String env = System.getenv("MP2P_KEY");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".mp2p", "identity.pem");
    }

    Path path() {
        return key != null ? key : defaultPath();
    }

    Mp2pIdentity load() throws CliException {
        Path p = path();
        if (!Files.exists(p)) {
            throw new CliException("no key file at " + p + "; create one with 'mp2p keygen"
                    + (key != null ? " -o " + p : "") + "'");
        }
        try {
            return Mp2pIdentity.load(p);
        } catch (KeyFormatException e) {
            throw new CliException(e.getMessage());
        }
    }
}
