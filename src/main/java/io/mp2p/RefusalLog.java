package io.mp2p;

import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mp2p.identity.PeerKey;

/**
 * Logs the peers our trust policy refused, at most once per peer per {@link #INTERVAL_NANOS}: anyone
 * who knows our key can make us refuse them as often as they like, and a log line per packet would
 * let them fill the disk. Remembers a bounded number of peers (least recently logged forgotten).
 * I/O thread only.
 */
final class RefusalLog {
    private static final Logger LOG = LoggerFactory.getLogger(SecureMulticastChannel.class);
    /** One line per peer per minute. */
    static final long INTERVAL_NANOS = 60_000_000_000L;
    /** Peers remembered; a stranger flood past this only makes lines repeat sooner. */
    static final int MAX_REMEMBERED = 1024;

    private final Map<PeerKey, Long> lastLogged = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<PeerKey, Long> eldest) {
            return size() > MAX_REMEMBERED;
        }
    };
    private long suppressed;

    /** Notes a refusal at {@code now}; true if it was logged. */
    boolean refused(PeerKey peer, long now) {
        Long last = lastLogged.get(peer);
        if (last != null && now - last < INTERVAL_NANOS) {
            suppressed++;
            return false;
        }
        lastLogged.put(peer, now);
        if (suppressed > 0) {
            LOG.warn("refused a session with {}: not allowed by the trust policy ({} more refusals not logged)",
                    peer.toHex(), suppressed);
            suppressed = 0;
        } else {
            LOG.warn("refused a session with {}: not allowed by the trust policy", peer.toHex());
        }
        return true;
    }
}
