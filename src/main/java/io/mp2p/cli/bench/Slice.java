package io.mp2p.cli.bench;

/**
 * One contender's turn at sending: messages handed to it, messages the receiver got (tagged with
 * this slice, so late ones from an earlier slice do not count), and the time from the first send to
 * the last delivery (or the last send, if later).
 */
record Slice(long sent, long delivered, long nanos) {
}
