package io.mp2p.internal;

import io.mp2p.ChannelOptions;

/**
 * A builder preset with every setting of existing {@link ChannelOptions}, so that the provider and the socket faces
 * can change one setting (the trust policy, the suite, the session listener, the port) and keep the user's others.
 * Not API: this package is internal, and the class goes once {@code ChannelOptions} has a {@code toBuilder()}.
 */
public final class ChannelOptionsCopy {
    private ChannelOptionsCopy() {
    }

    /** A builder holding all of {@code options}; the peer port is copied as resolved (by default, the port). */
    public static ChannelOptions.Builder of(ChannelOptions options) {
        return ChannelOptions.builder()
                .networkInterface(options.networkInterface())
                .ipVersion(options.ipVersion())
                .group(options.group())
                .port(options.port())
                .peerPort(options.peerPort())
                .ttl(options.ttl())
                .loopback(options.loopback())
                .connectTimeout(options.connectTimeout())
                .trustPolicy(options.trustPolicy())
                .pathMtu(options.pathMtu())
                .suite(options.suite())
                .membershipRefresh(options.membershipRefresh())
                .receiveQueueCapacity(options.receiveQueueCapacity())
                .sessionListener(options.sessionListener())
                .handshakeListener(options.handshakeListener());
    }
}
