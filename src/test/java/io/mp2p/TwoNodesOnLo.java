package io.mp2p;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import io.mp2p.identity.Mp2pIdentity;

/**
 * Test fixture: two fresh identities, alice and bob, and channel options on the loopback interface
 * (TTL 0: nothing leaves the host) at a port free on this host, so parallel runs do not collide.
 */
abstract class TwoNodesOnLo {
    protected Mp2pIdentity alice;
    protected Mp2pIdentity bob;
    protected int port;

    @BeforeEach
    void twoIdentities() {
        alice = Mp2pIdentity.generate();
        bob = Mp2pIdentity.generate();
        port = LoopbackPorts.free();
    }

    @AfterEach
    void wipeIdentities() {
        alice.destroy();
        bob.destroy();
    }

    /** How long {@code connect} waits in these tests. */
    protected Duration connectTimeout() {
        return Duration.ofSeconds(10);
    }

    /** Options on lo, TTL 0, at this test's port. */
    protected ChannelOptions.Builder lo() {
        return ChannelOptions.builder().networkInterface("lo").ttl(0).port(port).connectTimeout(connectTimeout());
    }
}
