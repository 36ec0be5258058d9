package io.mp2p.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A long-running process of the lab (an mp2p node, a router daemon, the impairment relay): every
 * line it prints is kept with the time it arrived, so that the lab can measure from them (when a
 * session came up, when a message arrived) without touching the process.
 */
final class LabProcess implements AutoCloseable {
    /** A line and when the lab read it (System.nanoTime()). */
    record Line(long nanos, String text) {
    }

    private static final long STOP_WAIT_SECONDS = 5;
    private static final long POLL_MILLIS = 50;

    final String name;
    final List<String> command;
    final Process process;
    final long startNanos;
    private final List<Line> out = new ArrayList<>();
    private final List<Line> err = new ArrayList<>();
    private final OutputStream stdin;
    private final Thread outReader;
    private final Thread errReader;

    LabProcess(String name, List<String> command, Map<String, String> env) throws IOException {
        this.name = name;
        this.command = List.copyOf(command);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().remove("MP2P_DEBUG");
        pb.environment().remove("MP2P_KEY");
        pb.environment().putAll(env);
        startNanos = System.nanoTime();
        process = pb.start();
        stdin = process.getOutputStream();
        outReader = reader(process.getInputStream(), out);
        errReader = reader(process.getErrorStream(), err);
    }

    private Thread reader(InputStream in, List<Line> to) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (this) {
                        to.add(new Line(System.nanoTime(), line));
                        notifyAll();
                    }
                }
            } catch (IOException e) {
                // The process ended.
            }
        }, "lab-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Writes one line to the process's input. */
    void println(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Ends the process's input (end of file). */
    void closeInput() throws IOException {
        stdin.close();
    }

    synchronized List<Line> stdout() {
        return List.copyOf(out);
    }

    synchronized List<Line> stderr() {
        return List.copyOf(err);
    }

    String stdoutText() {
        return text(stdout());
    }

    String stderrText() {
        return text(stderr());
    }

    private static String text(List<Line> lines) {
        StringBuilder b = new StringBuilder();
        lines.forEach(l -> b.append(l.text()).append('\n'));
        return b.toString();
    }

    /** The first stdout line matching {@code p}, waiting up to {@code seconds}; null if none came (or it ended). */
    Line awaitStdout(Predicate<String> p, double seconds) throws InterruptedException {
        return await(out, p, seconds);
    }

    Line awaitStderr(Predicate<String> p, double seconds) throws InterruptedException {
        return await(err, p, seconds);
    }

    private synchronized Line await(List<Line> lines, Predicate<String> p, double seconds) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (true) {
            for (Line l : lines) {
                if (p.test(l.text())) {
                    return l;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || !process.isAlive() && !outReader.isAlive() && !errReader.isAlive()) {
                return null;
            }
            wait(Math.max(1, Math.min(POLL_MILLIS, left / 1_000_000L)));
        }
    }

    /** Waits for the process to end by itself; its exit code, or throws after {@code seconds}. */
    int awaitExit(double seconds) throws InterruptedException {
        if (!process.waitFor((long) (seconds * 1000), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not end within " + seconds + " s; stdout:\n" + stdoutText()
                    + "stderr:\n" + stderrText());
        }
        outReader.join(TimeUnit.SECONDS.toMillis(STOP_WAIT_SECONDS));
        errReader.join(TimeUnit.SECONDS.toMillis(STOP_WAIT_SECONDS));
        return process.exitValue();
    }

    /** Stops the process (SIGTERM, then SIGKILL after a few seconds) and waits for its output to end. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(STOP_WAIT_SECONDS, TimeUnit.SECONDS);
                }
            }
            outReader.join(TimeUnit.SECONDS.toMillis(STOP_WAIT_SECONDS));
            errReader.join(TimeUnit.SECONDS.toMillis(STOP_WAIT_SECONDS));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
