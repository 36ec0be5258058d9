package io.mp2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.Test;

import io.mp2p.address.Ipv6Scope;

class ChannelOptionsTest {
    @Test
    void toBuilderKeepsEverySetting() throws Exception {
        SessionListener sessions = s -> { };
        HandshakeListener retries = (p, a, e) -> { };
        Executor executor = Runnable::run;
        PeerTrustPolicy policy = PeerTrustPolicy.allowList(List.of());
        ChannelOptions options = ChannelOptions.builder().networkInterface("lo").ipVersion(IpFamily.IPV6)
                .group(InetAddress.getByName("ff1e::1")).ipv6Scope(Ipv6Scope.SITE).staticGroup(true)
                .groupClock(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC)).port(5000).peerPort(5001).ttl(7).unicastPort(5002).loopback(false)
                .connectTimeout(Duration.ofSeconds(3)).trustPolicy(policy).pathMtu(1400)
                .suite(CipherSuite.CHACHAPOLY_BLAKE2S).membershipRefresh(Duration.ofSeconds(9))
                .receiveQueueCapacity(17).sessionListener(sessions).handshakeListener(retries)
                .callbackExecutor(executor).build();
        ChannelOptions copy = options.toBuilder().build();
        ChannelOptions defaults = ChannelOptions.defaults();
        for (Method m : ChannelOptions.class.getMethods()) {
            if (m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers())
                    && m.getDeclaringClass() == ChannelOptions.class && !m.getName().equals("toBuilder")) {
                assertEquals(m.invoke(options), m.invoke(copy), m.getName() + " survives toBuilder()");
                // Every setting above differs from its default, so a setting toBuilder forgot would show.
                assertNotEquals(m.invoke(defaults), m.invoke(options), m.getName() + " was set to a non-default");
            }
        }
    }

    @Test
    void aPeerPortLeftUnsetFollowsThePortInACopy() {
        ChannelOptions options = ChannelOptions.builder().port(5000).build();
        assertEquals(5000, options.peerPort());
        assertEquals(6000, options.toBuilder().port(6000).build().peerPort());
        ChannelOptions pinned = ChannelOptions.builder().port(5000).peerPort(5001).build();
        assertEquals(5001, pinned.toBuilder().port(6000).build().peerPort());
    }
}
