package io.mp2p;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The channel races a peer's group and unicast endpoints (spec/PROTOCOL.md §6.10) and reports the
 * path on the session: on lo, with a group nobody listens on, only the unicast endpoint can answer.
 */
class ChannelPathTest extends TwoNodesOnLo {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aPeerReachableOnlyAtItsUnicastEndpointIsConnectedViaUnicast() throws Exception {
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().build())) {
            InetSocketAddress bUnicast = b.localUnicastAddress();
            // An mp2p group nobody joined: the group copy of each initiation goes nowhere.
            InetSocketAddress nobody = new InetSocketAddress(InetAddress.getByName("239.195.254.1"), port);
            PeerSession s = a.connect(bob.publicKey(), nobody, List.of(bUnicast));
            assertEquals(new SessionPath(SessionPath.Kind.UNICAST, bUnicast), s.path());
            s.send("via unicast".getBytes(StandardCharsets.UTF_8));
            PeerSession atB = b.accept(WAIT);
            assertNotNull(atB);
            assertArrayEquals("via unicast".getBytes(StandardCharsets.UTF_8), atB.receive(WAIT));
            assertEquals(new SessionPath(SessionPath.Kind.UNICAST, a.localUnicastAddress()), atB.path());
        }
    }

    @Test
    void withoutEndpointsTheSessionRunsOnTheGroup() throws Exception {
        try (SecureMulticastChannel a = SecureMulticastChannel.open(alice, lo().build());
             SecureMulticastChannel b = SecureMulticastChannel.open(bob, lo().build())) {
            PeerSession s = a.connect(bob.publicKey());
            assertEquals(SessionPath.Kind.GROUP, s.path().kind());
            assertEquals(b.localGroup(), s.path().address());
        }
    }
}
