package io.mp2p.net.internal;

/** {@link OkHttpContract} over real mp2p streams between two channels on the loopback interface. */
class OkHttpOverChannelsTest extends OkHttpContract {
    @Override
    StreamWorld newWorld() {
        return new ChannelWorld();
    }
}
