package io.mp2p.cli;

import java.net.InetSocketAddress;

import io.mp2p.identity.KeyFormatException;
import io.mp2p.identity.PeerKey;
import picocli.CommandLine.Option;

/** {@code --peer HEX [--peer-group ADDR] [--timeout SECONDS]}. */
final class PeerOptions {
    @Option(names = "--peer", required = true, paramLabel = "KEY",
            description = "the peer's public key: 64 hex characters (or base32, or <base32>.mp2p)")
    String peer;

    @Option(names = "--peer-group", paramLabel = "ADDR",
            description = "the peer's group if it chose its own (default: derived from its key)")
    String peerGroup;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "give up on the handshake, and on replies, after this long (default: ${DEFAULT-VALUE})")
    double timeoutSeconds = 10;

    PeerKey key() throws CliException {
        try {
            return PeerKey.parse(peer.strip());
        } catch (KeyFormatException e) {
            throw new CliException("--peer: " + e.getMessage(), ExitCodes.USAGE);
        }
    }

    /** The explicit group and port, or null to derive it. */
    InetSocketAddress group(int port) throws CliException {
        return peerGroup == null ? null : new InetSocketAddress(NetworkOptions.parseGroup(peerGroup, "--peer-group"), port);
    }

    java.time.Duration timeout() throws CliException {
        if (!(timeoutSeconds > 0) || timeoutSeconds > 86_400) {
            throw new CliException("--timeout must be between 0 and 86400 seconds, got " + timeoutSeconds,
                    ExitCodes.USAGE);
        }
        return java.time.Duration.ofNanos((long) (timeoutSeconds * 1e9));
    }
}
