package io.mp2p.net.internal;

/** {@link SocketDataContract} over real mp2p streams between two channels on the loopback interface. */
class SocketDataOverChannelsTest extends SocketDataContract {
    @Override
    StreamWorld newWorld() {
        return new ChannelWorld();
    }
}
