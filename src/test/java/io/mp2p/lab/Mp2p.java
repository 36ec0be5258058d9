package io.mp2p.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.mp2p.cli.Mp2pCommand;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;

/** The real {@code mp2p} tool as the lab runs it: a JVM per node, on the test class path, inside a namespace. */
final class Mp2p {
    /** A node's key file and public key. */
    record Key(Path file, PeerKey publicKey) {
        String hex() {
            return publicKey.toHex();
        }
    }

    private Mp2p() {
    }

    /** A fresh key written to {@code dir/name.pem} (mode 0600, as keygen writes it). */
    static Key key(Path dir, String name) throws IOException {
        Path file = dir.resolve(name + ".pem");
        Mp2pIdentity id = Mp2pIdentity.generate();
        try {
            id.save(file, true);
            return new Key(file, id.publicKey());
        } finally {
            id.destroy();
        }
    }

    /** {@code java -cp <test class path> io.mp2p.cli.Mp2pCommand args...}. */
    static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // Small heaps and no JIT tiers beyond C1: a node starts faster, and many share two cores.
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xmx128m");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Mp2pCommand.class.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * The environment of a node: listener locks in the topology's folder (not the user's), and with
     * {@code debug} the DEBUG lines the lab times the handshake from ("joined G" is the last thing the
     * channel does before the first initiation goes out).
     */
    static Map<String, String> env(Lab lab, boolean debug) throws IOException {
        Path runtime = Files.createDirectories(lab.dir.resolve("runtime"));
        return debug ? Map.of("XDG_RUNTIME_DIR", runtime.toString(), "MP2P_DEBUG", "1")
                : Map.of("XDG_RUNTIME_DIR", runtime.toString());
    }

    /** {@code mp2p listen --echo} in {@code ns}; returns once it printed its group (or throws with its output). */
    static LabProcess listen(Lab lab, String ns, Key key, String... options) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("listen", "-k", key.file().toString(), "--echo"));
        args.addAll(List.of(options));
        LabProcess p = lab.start(ns, "listen-" + ns, command(args.toArray(new String[0])), env(lab, System.getenv("MP2P_LAB_DEBUG") != null));
        if (p.awaitStdout(l -> l.startsWith("my addr: "), LISTEN_START_SECONDS) == null) {
            throw new AssertionError("the listener in " + ns + " did not start; stdout:\n" + p.stdoutText() + "stderr:\n"
                    + p.stderrText());
        }
        return p;
    }

    /** How long a listener JVM may take to print its group, on a loaded 2-core machine. */
    static final double LISTEN_START_SECONDS = 60;
}
