package io.mp2p.engine;

import io.mp2p.DropReason;
import io.mp2p.wire.WireError;

/** The drop reason of a packet the wire parsers refused (spec §4). */
final class WireDrops {
    private WireDrops() {
    }

    static DropReason of(WireError e) {
        return switch (e) {
            case UNKNOWN_TYPE -> DropReason.UNKNOWN_TYPE;
            case UNSUPPORTED_VERSION -> DropReason.UNSUPPORTED_VERSION;
            default -> DropReason.MALFORMED;
        };
    }
}
