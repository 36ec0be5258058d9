package io.mp2p.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("MP2P_DEBUG");
        Process p = pb.start();
        p.getOutputStream().close();
        Drain out = new Drain(p.getInputStream());
        Drain err = new Drain(p.getErrorStream());
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

        Background(List<String> cmd) throws IOException {
            process = new ProcessBuilder(cmd).start();
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
            });
            t.setDaemon(true);
            t.start();
        }

        /** The next line that starts with {@code prefix}, waiting up to {@code seconds}. */
        String await(String prefix, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
                if (line == null) {
                    throw new AssertionError("no line starting with '" + prefix + "' within " + seconds + " s; stdout: "
                            + all + "\nstderr: " + err.text());
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

        @Override
        public void run() {
            try {
                in.transferTo(buf);
            } catch (IOException e) {
                // The process ended.
            }
        }

        String text() {
            synchronized (buf) {
                return buf.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
