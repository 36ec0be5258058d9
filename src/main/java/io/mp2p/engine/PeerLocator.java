package io.mp2p.engine;

import java.net.InetSocketAddress;

import io.mp2p.identity.PeerKey;

/**
 * Where a peer listens, asked afresh for every handshake initiation the engine sends to a peer whose
 * address the application did not fix, so that the destination can change from one attempt to the
 * next (derived groups that rotate daily are tried for the adjacent days on retries,
 * spec/ADDRESSING.md §4). While a session with the peer exists, the engine keeps the address that
 * session runs on instead.
 *
 * <pre>{@code
 * GroupSchedule groups = GroupSchedule.rotating(StandardProtocolFamily.INET, Ipv6Scope.GLOBAL);
 * PeerLocator locator = (peer, attempt) ->
 *         new InetSocketAddress(groups.sendGroup(peer, Instant.now(), attempt), GroupAddresses.DEFAULT_PORT);
 * }</pre>
 */
@FunctionalInterface
public interface PeerLocator {
    /**
     * The address for initiation {@code attempt} of a handshake with {@code peer}.
     *
     * @param attempt 1 for a handshake's first initiation, 2 for its first retry, and so on
     */
    InetSocketAddress locate(PeerKey peer, int attempt);
}
