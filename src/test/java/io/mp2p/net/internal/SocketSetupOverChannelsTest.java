package io.mp2p.net.internal;

/** {@link SocketSetupContract} over real mp2p streams between two channels on the loopback interface. */
class SocketSetupOverChannelsTest extends SocketSetupContract {
    @Override
    StreamWorld newWorld() {
        return new ChannelWorld();
    }
}
