package io.mp2p;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import io.mp2p.identity.KeyFormatException;
import io.mp2p.identity.PeerKey;

/**
 * Which peers may open a session with us, and which we may connect to (the JSSE TrustManager's job).
 * A refused peer never gets a session; the refusal is logged.
 *
 * <pre>{@code
 * PeerTrustPolicy any = PeerTrustPolicy.acceptAny();
 * PeerTrustPolicy listed = PeerTrustPolicy.allowList(Path.of("allowed_peers"));   // one hex key per line
 * PeerTrustPolicy custom = peer -> peer.toHex().startsWith("3b6a");
 * }</pre>
 */
@FunctionalInterface
public interface PeerTrustPolicy {
    /**
     * Whether {@code peer} may have a session with us. Called by {@code connect} on the caller's
     * thread, and for incoming handshakes by whichever thread reads the sockets (the channel's I/O
     * thread, or an application thread waiting in {@code PeerSession.receive}), while the handshake
     * and the channel's engine wait: it must be quick and must not block. The channel's blocking calls
     * ({@code connect}, {@code accept}, {@code receive}, {@code send}) throw
     * {@link IllegalStateException} when made from there. An exception thrown here refuses the peer
     * (and is logged); it never stops the channel.
     */
    boolean isTrusted(PeerKey peer);

    /** Every peer. Anyone who knows our key can then open a session: decide whether that is what you want. */
    static PeerTrustPolicy acceptAny() {
        return peer -> true;
    }

    /** Exactly these peers. */
    static PeerTrustPolicy allowList(Collection<PeerKey> peers) {
        Set<PeerKey> copy = Set.copyOf(peers);
        return copy::contains;
    }

    /**
     * The peers listed in a file like OpenSSH's {@code authorized_keys}: one key per line (hex or
     * base32), blank lines and text after {@code #} ignored.
     *
     * @throws KeyFormatException naming the file and line of a bad key, or why the file cannot be read
     */
    static PeerTrustPolicy allowList(Path file) throws KeyFormatException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new KeyFormatException(KeyFormatException.Reason.IO, "allow-list " + file + " does not exist");
        } catch (IOException e) {
            // A FileSystemException's message is the path again; its reason alone says what went wrong.
            String why = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                    : e.getMessage();
            throw new KeyFormatException(KeyFormatException.Reason.IO, "cannot read allow-list " + file + ": " + why);
        }
        java.util.Set<PeerKey> keys = new java.util.HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String text = (hash >= 0 ? line.substring(0, hash) : line).strip();
            if (text.isEmpty()) {
                continue;
            }
            try {
                keys.add(PeerKey.parse(text));
            } catch (KeyFormatException e) {
                throw new KeyFormatException(e.reason(), file + " line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return allowList(keys);
    }
}
