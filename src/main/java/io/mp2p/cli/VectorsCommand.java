package io.mp2p.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.mp2p.vectors.NoiseVectorRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code mp2p vectors FILE}: run a cacophony-format Noise vector file. */
@Command(name = "vectors", mixinStandardHelpOptions = true,
        description = "Run a cacophony-format Noise test vector file; print 'N passed, M failed'; exit 0 only if M = 0.")
final class VectorsCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "a JSON vector file (cacophony or snow format)")
    Path file;

    @Override
    public Integer call() {
        return NoiseVectorRunner.runAndPrint(file, System.out, System.err);
    }
}
