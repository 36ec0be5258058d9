package io.mp2p.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;

import io.mp2p.ChannelOptions;
import io.mp2p.HandshakeTimeoutException;
import io.mp2p.PeerSession;
import io.mp2p.SecureMulticastChannel;
import io.mp2p.address.GroupSchedule;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;

/**
 * The doctor's end-to-end check, with {@code --peer}: one handshake with that peer, as {@code send}
 * would make it, and where none completes, what that points to.
 */
final class DoctorReach {
    static final String CHECK = "reach";

    private DoctorReach() {
    }

    static DoctorFinding check(Mp2pIdentity id, ChannelOptions options, PeerKey peer) throws InterruptedException {
        InetAddress group = GroupSchedule.of(options.ipVersion().protocolFamily(), options.ipv6Scope(),
                !options.staticGroup()).currentGroup(peer, Instant.now());
        String where = Addresses.format(new java.net.InetSocketAddress(group, options.peerPort()));
        String who = peer.toHex().substring(0, 16) + "…";
        long start = System.nanoTime();
        try (SecureMulticastChannel channel = SecureMulticastChannel.open(id, options)) {
            PeerSession s = channel.connect(peer);
            double ms = (System.nanoTime() - start) / 1e6;
            s.close();
            return DoctorFinding.ok(CHECK, String.format(java.util.Locale.ROOT,
                    "handshake with %s completed in %.0f ms (its group %s, TTL %d)", who, ms, where, options.ttl()));
        } catch (HandshakeTimeoutException e) {
            return DoctorFinding.fail(CHECK, "no answer from " + who + " after " + e.attempts() + " handshake attempt"
                    + (e.attempts() == 1 ? "" : "s") + " in " + Channels.seconds(e.elapsed()) + ", sent to its group "
                    + where + " with TTL " + options.ttl() + ": " + unreachedHint(options.ttl()));
        } catch (IOException e) {
            return DoctorFinding.fail(CHECK, "cannot try a handshake: " + e.getMessage());
        }
    }

    /** What an unanswered handshake points to, most likely first. */
    static String unreachedHint(int ttl) {
        return "our multicast does not reach it, or its answer does not reach us. Beyond a router, multicast is"
                + " not routed unless the routers forward it (PIM, or static routes such as smcroute's) and --ttl on"
                + " both sides exceeds the number of routers" + (ttl <= 1 ? " (TTL " + ttl
                + " stops at the first router)" : " (TTL " + ttl + " crosses at most " + (ttl - 1) + ")")
                + ". On this link: check that it runs 'mp2p listen' with the same --port, IP version, --scope and"
                + " --static-group, and that its --allow list admits your key";
    }
}
