package io.mp2p.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import io.mp2p.identity.KeyFormatException;
import io.mp2p.identity.Mp2pIdentity;
import picocli.CommandLine.Option;

/**
 * {@code -k FILE}: the private key; default {@code $MP2P_KEY}, else {@code ~/.mp2p/identity.pem}
 * where {@code ~} is {@code $HOME} (as in a shell), else the home folder of the user database.
 *
 * <p>A key file that users other than its owner can open is used, with a warning on stderr, as
 * {@code wg} does: refusing would not undo the exposure, and would stop a node that restarts after
 * a backup restore or under a container's secret mount (mode 0644 by default); the warning names
 * the one command that fixes it.
 */
final class KeyOption {
    /** The folder {@code keygen} creates by itself (mode 0700), under the home folder. */
    static final String DEFAULT_FOLDER = ".mp2p";
    static final String DEFAULT_FILE = "identity.pem";
    private static final String PUBLIC_KEY_PEM = "-----BEGIN PUBLIC KEY-----";
    /** Key files are a few hundred bytes; a public-key check needs no more than their start. */
    private static final int PEM_PEEK_BYTES = 4096;
    private static final Set<PosixFilePermission> NOT_OWNER = Set.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    @Option(names = {"-k", "--key"}, paramLabel = "FILE", description = {"private key (PEM PKCS#8)",
            "default: $MP2P_KEY, else ~/.mp2p/identity.pem", "(a file others can read is used, with a warning)"})
    Path key;

    /** The default key path: {@code $MP2P_KEY} or {@code ~/.mp2p/identity.pem}. */
    static Path defaultPath() {
        String env = System.getenv("MP2P_KEY");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return defaultFolder().resolve(DEFAULT_FILE);
    }

    /** {@code $HOME/.mp2p}, or under the user database's home folder when HOME is unset. */
    static Path defaultFolder() {
        String home = System.getenv("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"), DEFAULT_FOLDER);
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
        Mp2pIdentity id;
        try {
            id = Mp2pIdentity.load(p);
        } catch (KeyFormatException e) {
            if (isPublicKeyPem(p)) {
                throw new CliException(p + " is a public key; -k needs a private key file, as 'mp2p keygen' writes it");
            }
            throw new CliException(e.getMessage());
        }
        warnIfOthersCanOpen(p);
        return id;
    }

    private static boolean isPublicKeyPem(Path p) {
        try (var in = Files.newInputStream(p)) {
            return new String(in.readNBytes(PEM_PEEK_BYTES), StandardCharsets.US_ASCII).contains(PUBLIC_KEY_PEM);
        } catch (IOException e) {
            return false;
        }
    }

    private static void warnIfOthersCanOpen(Path p) {
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return;
        }
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(p);
        } catch (IOException e) {
            return;
        }
        if (perms.stream().anyMatch(NOT_OWNER::contains)) {
            System.err.println("mp2p: warning: " + p + " is open to users other than its owner (mode "
                    + mode(perms) + "): whoever can read it can act as this node; run 'chmod 600 " + p + "'");
        }
    }

    /** The permissions as an octal mode, e.g. 0644. */
    static String mode(Set<PosixFilePermission> perms) {
        int m = 0;
        for (PosixFilePermission x : perms) {
            // PosixFilePermission lists owner rwx, group rwx, others rwx: bit 8 down to bit 0.
            m |= 1 << (PosixFilePermission.values().length - 1 - x.ordinal());
        }
        return String.format("0%o", m);
    }
}
