package io.mp2p.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

import io.mp2p.cli.bench.Bench;
import io.mp2p.cli.bench.BenchException;
import io.mp2p.cli.bench.BenchReport;
import io.mp2p.cli.bench.BenchResults;
import io.mp2p.cli.bench.BenchSettings;
import io.mp2p.CipherSuite;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mp2p bench}: mp2p beside plain UDP, JSSE DTLS 1.2 and (for streams) plain TCP on this host's loopback, in one run
 * with the contenders taking turns; progress on stderr, the table (or {@code --json}) on stdout.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure mp2p against plain UDP and JSSE DTLS 1.2 on loopback (lo, TTL 0; DTLS on 127.0.0.1):"
                + " datagram throughput and loss at 64, 512, 1197 and 16384 bytes, handshakes/s beside the X25519"
                + " floor, handshake latency, and 64-byte ping-pong round trips; and one mp2p stream against a"
                + " plain TCP socket on 127.0.0.1: bulk goodput with 64 KiB writes and 64-byte request/reply round trips.",
                "The contenders take turns in short slices, so drift of the machine hits them alike."
                + " Quote the ratios rather than the absolute figures."})
final class BenchCommand implements Callable<Integer> {
    private static final double DEFAULT_SECONDS = 30;
    /** An hour says nothing a minute does not; longer is more likely a typo (milliseconds?). */
    private static final double MAX_SECONDS = 3600;

    @Spec
    CommandSpec spec;

    @Option(names = "--duration", paramLabel = "SECONDS",
            description = "the whole run, setup included (2 to 3600; default: ${DEFAULT-VALUE})")
    double seconds = DEFAULT_SECONDS;

    @Option(names = "--json", description = "print one JSON object with every figure and every ratio instead of the table")
    boolean json;

    @Option(names = "--suite", paramLabel = "SUITE",
            description = "mp2p's cipher suite: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
    CipherSuite suite = CipherSuite.AESGCM_SHA256;

    @Override
    public Integer call() throws CliException, InterruptedException {
        double min = BenchSettings.MIN_DURATION.toMillis() / 1e3;
        if (!(seconds >= min && seconds <= MAX_SECONDS)) {
            throw new CliException("--duration must be at least " + (long) min + " seconds"
                    + (seconds > MAX_SECONDS ? " and at most " + (long) MAX_SECONDS : ""), ExitCodes.USAGE);
        }
        BenchSettings settings = new BenchSettings(Duration.ofMillis(Math.round(seconds * 1e3)), suite);
        BenchResults results;
        try {
            results = new Bench(settings).run(System.err);
        } catch (BenchException e) {
            throw new CliException(e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? BenchReport.json(results) : BenchReport.table(results));
        out.flush();
        return ExitCodes.OK;
    }
}
