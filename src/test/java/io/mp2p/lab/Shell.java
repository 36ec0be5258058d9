package io.mp2p.lab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a short command (ip, iptables, sysctl) to its end, bounded in time, and keeps what it printed. */
final class Shell {
    /** Setup commands take milliseconds; this bound only stops a wedged one. */
    static final long DEFAULT_TIMEOUT_SECONDS = 30;

    /** A finished command. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }

        /** Throws, naming the command and what it printed, unless it succeeded. */
        Result check() {
            if (exitCode != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + exitCode + "): "
                        + stderr.strip() + (stdout.isBlank() ? "" : " / " + stdout.strip()));
            }
            return this;
        }
    }

    private Shell() {
    }

    static Result run(String... cmd) throws IOException, InterruptedException {
        return run(List.of(cmd));
    }

    static Result run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread a = drain(p.getInputStream(), out);
        Thread b = drain(p.getErrorStream(), err);
        if (!p.waitFor(DEFAULT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out after " + DEFAULT_TIMEOUT_SECONDS + " s: " + cmd);
        }
        a.join();
        b.join();
        return new Result(List.copyOf(cmd), p.exitValue(), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }

    /** {@code ip netns exec NS cmd...}. */
    static Result in(String ns, String... cmd) throws IOException, InterruptedException {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(List.of(cmd));
        return run(all);
    }

    private static Thread drain(InputStream in, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            try (in) {
                in.transferTo(to);
            } catch (IOException e) {
                // The process ended.
            }
        });
        t.setDaemon(true);
        t.start();
        return t;
    }
}
