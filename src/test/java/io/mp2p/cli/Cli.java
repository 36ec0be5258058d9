package io.mp2p.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Runs the mp2p tool in a separate JVM, as a user would, and captures what it prints. */
final class Cli {
    /** The finished run of a command. */
    record Result(int exitCode, String stdout, String stderr) {
    }

    private Cli() {
    }

    /**
     * What every process started here gets: its listener locks in target/, not in the user's runtime
     * folder, so test runs leave nothing behind outside the build folder.
     */
    static Map<String, String> testEnvironment() throws IOException {
        Path runtime = Path.of("target", "cli-runtime").toAbsolutePath();
        java.nio.file.Files.createDirectories(runtime);
        return Map.of("XDG_RUNTIME_DIR", runtime.toString());
    }

    /** Two fresh keys (a sends, b listens) and a free port, for one test. */
    record Pair(Path a, String aHex, Path b, String bHex, String port) {
        static Pair create(Path dir) throws IOException, InterruptedException {
            Path a = dir.resolve("a.pem");
            Path b = dir.resolve("b.pem");
            return new Pair(a, keygen(a), b, keygen(b), String.valueOf(io.mp2p.LoopbackPorts.free()));
        }
    }

    /** {@code mp2p keygen -o FILE}; returns the public key hex. */
    static String keygen(Path file) throws IOException, InterruptedException {
        Result r = run("keygen", "-o", file.toString());
        if (r.exitCode() != 0 || !r.stdout().strip().matches("[0-9a-f]{64}")) {
            throw new AssertionError("keygen failed: " + r);
        }
        return r.stdout().strip();
    }

    /** {@code mp2p CMD -k KEY --interface lo --ttl 0 --port PORT ARGS...}: on this host only. */
    static List<String> onLo(String cmd, Path key, String port, String... args) {
        List<String> all = new ArrayList<>(List.of(cmd, "-k", key.toString(), "--interface", "lo", "--ttl", "0",
                "--port", port));
        all.addAll(List.of(args));
        return command(all.toArray(new String[0]));
    }

    static List<String> command(String... args) {
        return command(List.of(), args);
    }

    /** {@code prefix} (e.g. "ip netns exec ns1") then java -cp <test classpath> io.mp2p.cli.Mp2pCommand args. */
    static List<String> command(List<String> prefix, String... args) {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Mp2pCommand.class.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    static Result run(long timeoutSeconds, List<String> cmd) throws IOException, InterruptedException {
        return run(timeoutSeconds, cmd, Map.of(), "");
    }

    /**
     * Runs {@code cmd} with {@code env} added to the environment ({@code MP2P_DEBUG} and
     * {@code MP2P_KEY} removed, so the developer's own settings cannot leak in) and {@code stdin} as its
     * whole input.
     */
    static Result run(long timeoutSeconds, List<String> cmd, Map<String, String> env, String stdin)
            throws IOException, InterruptedException {
        return run(timeoutSeconds, cmd, env, stdin, err -> { });
    }

    /** As {@link #run(long, List, Map, String)}, handing the process's stderr to {@code started} as it starts. */
    static Result run(long timeoutSeconds, List<String> cmd, Map<String, String> env, String stdin,
                      java.util.function.Consumer<Drain> started) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("MP2P_DEBUG");
        pb.environment().remove("MP2P_KEY");
        pb.environment().putAll(testEnvironment());
        pb.environment().putAll(env);
        Process p = pb.start();
        try (java.io.OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        Drain out = new Drain(p.getInputStream());
        Drain err = new Drain(p.getErrorStream());
        started.accept(err);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd + "\nstdout: " + out.text() + "\nstderr: " + err.text());
        }
        out.join();
        err.join();
        return new Result(p.exitValue(), out.text(), err.text());
    }

    static Result run(String... args) throws IOException, InterruptedException {
        return run(60, command(args));
    }

    /** A long-running command whose output lines can be awaited. */
    static final class Background implements AutoCloseable {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final StringBuilder all = new StringBuilder();
        final Drain err;
        private volatile boolean outputEnded;
        /** How often a wait for a line looks whether the process has ended. */
        private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

        Background(List<String> cmd) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().putAll(testEnvironment());
            process = pb.start();
            err = new Drain(process.getErrorStream());
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        synchronized (all) {
                            all.append(line).append('\n');
                        }
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // The process ended.
                }
                outputEnded = true;
            });
            t.setDaemon(true);
            t.start();
        }

        /** The next line that starts with {@code prefix}, waiting up to {@code seconds}. */
        String await(String prefix, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left > 0 ? lines.poll(Math.min(left, POLL_NANOS), TimeUnit.NANOSECONDS) : null;
                if (line == null && left > 0 && !(outputEnded && lines.isEmpty())) {
                    continue;
                }
                if (line == null) {
                    // Past the deadline, or the process has ended and printed all it will.
                    throw new AssertionError("no line starting with '" + prefix + "' within " + seconds + " s"
                            + (outputEnded ? " (the process ended)" : "") + "; stdout: " + all
                            + "\nstderr: " + err.text());
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Reads a stream to the end on its own thread. */
    static final class Drain extends Thread {
        private final java.io.InputStream in;
        private final java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();

        Drain(java.io.InputStream in) {
            this.in = in;
            setDaemon(true);
            start();
        }

        private boolean ended;

        @Override
        public void run() {
            byte[] chunk = new byte[8192];
            try {
                for (int n; (n = in.read(chunk)) >= 0; ) {
                    synchronized (buf) {
                        buf.write(chunk, 0, n);
                        buf.notifyAll();
                    }
                }
            } catch (IOException e) {
                // The process ended.
            }
            synchronized (buf) {
                ended = true;
                buf.notifyAll();
            }
        }

        /** Waits until the text read so far contains {@code needle}; false at the deadline or the stream's end. */
        boolean awaitText(String needle, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            synchronized (buf) {
                while (!buf.toString(StandardCharsets.UTF_8).contains(needle)) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (ended || left <= 0) {
                        return false;
                    }
                    buf.wait(left);
                }
                return true;
            }
        }

        String text() {
            synchronized (buf) {
                return buf.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
