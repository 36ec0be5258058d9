package io.mp2p.provider;

import java.nio.file.Path;

import javax.net.ssl.TrustManager;

import io.mp2p.PeerTrustPolicy;
import io.mp2p.identity.KeyFormatException;

/**
 * Decides which peers a {@link SecureChannelContext}'s channels, engines and sockets accept, as a JSSE
 * {@code TrustManager} decides which certificates to trust. It is a {@link PeerTrustPolicy}: the engine asks
 * {@link #isTrusted} for each peer's authenticated key before any session with it exists, on the I/O thread, so
 * answer quickly.
 *
 * <pre>{@code
 * PeerTrustManager listed = PeerTrustManager.allowList(Path.of("allowed_peers"));   // authorized_keys-like file
 * PeerTrustManager custom = peer -> myDirectory.isMember(peer);                      // a callback
 * ctx.init(keyManagers, new TrustManager[] {listed}, null);
 * }</pre>
 */
@FunctionalInterface
public interface PeerTrustManager extends TrustManager, PeerTrustPolicy {
    /** A trust manager answering as {@code policy} does. */
    static PeerTrustManager of(PeerTrustPolicy policy) {
        java.util.Objects.requireNonNull(policy, "policy");
        return policy::isTrusted;
    }

    /** Every peer that knows our key. */
    static PeerTrustManager acceptAny() {
        return of(PeerTrustPolicy.acceptAny());
    }

    /** The peers in an allow-list file (one hex or base32 key per line, {@code #} comments), read now. */
    static PeerTrustManager allowList(Path file) throws KeyFormatException {
        return of(PeerTrustPolicy.allowList(file));
    }
}
