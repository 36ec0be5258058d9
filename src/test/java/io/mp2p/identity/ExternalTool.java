package io.mp2p.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Test helper: runs keytool or openssl with secrets passed in the environment, never on the command line. */
final class ExternalTool {
    private static final long TIMEOUT_SECONDS = 60;

    /** A finished run: exit code and everything printed (stdout then stderr). */
    record Result(int exitCode, String output) {
    }

    private ExternalTool() {
    }

    /** The JDK's own keytool, next to the running java. */
    static String keytool() {
        return Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    }

    static Result run(List<String> command, Map<String, String> environment) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(environment);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** Runs and fails the test, with the tool's output, unless it exits 0. */
    static String ok(List<String> command, Map<String, String> environment) throws IOException, InterruptedException {
        Result r = run(command, environment);
        if (r.exitCode() != 0) {
            throw new AssertionError(command + " exited " + r.exitCode() + ":\n" + r.output());
        }
        return r.output();
    }
}
