package io.mp2p.cli;

import java.net.InetSocketAddress;
import java.time.Instant;

import io.mp2p.address.GroupAddresses;
import io.mp2p.address.NodeRecord;
import io.mp2p.address.NodeRecordException;
import io.mp2p.address.UnicastEndpoints;
import io.mp2p.identity.KeyFormatException;
import io.mp2p.identity.PeerKey;
import picocli.CommandLine.Option;

/**
 * {@code --peer KEY [--peer-group ADDR] [--timeout SECONDS]}. {@code --peer} also takes a signed node
 * record ({@code mp2p://<hex>@<group>:<port>?expires=…&sig=…}, as {@code mp2p listen} prints it),
 * which names the key, the group and the port at once, once its signature and expiry check out.
 */
final class PeerOptions {
    @Option(names = "--peer", required = true, paramLabel = "KEY",
            description = {"the peer's public key: 64 hex characters (or base32, or <base32>.mp2p),"
                    + " or its signed node record, as 'mp2p listen' prints it (quote it in a shell):",
                    "'mp2p://<hex>@<group>:<port>?expires=...&sig=...'"})
    String peer;

    @Option(names = "--peer-group", paramLabel = "ADDR",
            description = "the peer's group if it chose its own (default: derived from its key)")
    String peerGroup;

    @Option(names = "--timeout", paramLabel = "SECONDS",
            description = "give up on the handshake, and on replies, after this long: more than 0, at most"
                    + " 86400 (default: ${DEFAULT-VALUE})")
    double timeoutSeconds = 10;

    PeerKey key() throws CliException {
        NodeRecord r = record();
        if (r != null) {
            return r.key();
        }
        try {
            return PeerKey.parse(peer.strip());
        } catch (KeyFormatException e) {
            throw new CliException("--peer: " + e.getMessage(), ExitCodes.USAGE);
        }
    }

    /** The explicit group and port (from --peer-group, or the node record), or null to derive it. */
    InetSocketAddress group(int port) throws CliException {
        NodeRecord r = record();
        if (r != null) {
            if (peerGroup != null) {
                throw new CliException("--peer-group: the node record given as --peer already names the group",
                        ExitCodes.USAGE);
            }
            return new InetSocketAddress(r.group(), r.port());
        }
        return peerGroup == null ? null : new InetSocketAddress(NetworkOptions.parseGroup(peerGroup, "--peer-group"), port);
    }

    /** The unicast endpoints of the node record given as --peer (empty for a bare key). */
    java.util.List<InetSocketAddress> endpoints() throws CliException {
        NodeRecord r = record();
        return r == null ? java.util.List.of() : r.endpoints();
    }

    /** The node record given as --peer, verified, or null when --peer is a bare key. */
    private NodeRecord record() throws CliException {
        String text = peer.strip();
        if (!text.startsWith(NodeRecord.SCHEME_PREFIX)) {
            return null;
        }
        NodeRecord r;
        try {
            r = NodeRecord.parse(text);
        } catch (NodeRecordException e) {
            throw new CliException("--peer: " + e.getMessage(), ExitCodes.USAGE);
        }
        NodeRecord.Verdict v = r.verify(Instant.now());
        return switch (v) {
            case VALID -> r;
            case EXPIRED -> throw new CliException("--peer: the node record expired at " + r.expires()
                    + "; ask the peer for a fresh one");
            case BAD_SIGNATURE -> throw new CliException("--peer: the node record's signature does not match its"
                    + " key: it was altered or is not from that peer");
            case NOT_A_GROUP -> throw new CliException("--peer: the node record names "
                    + GroupAddresses.toText(r.group()) + ", which is not an mp2p group");
            case BAD_ENDPOINT -> throw new CliException("--peer: the node record lists an endpoint no peer may"
                    + " be sent to (" + badEndpoint(r) + ")");
        };
    }

    private static String badEndpoint(NodeRecord r) {
        for (InetSocketAddress ep : r.endpoints()) {
            UnicastEndpoints.Problem p = UnicastEndpoints.problem(ep, UnicastEndpoints.Policy.ROUTABLE);
            if (p != null) {
                return UnicastEndpoints.format(ep) + ": " + p.explanation();
            }
        }
        return "none found";
    }

    java.time.Duration timeout() throws CliException {
        return OptionChecks.positiveSeconds("--timeout", timeoutSeconds);
    }
}
