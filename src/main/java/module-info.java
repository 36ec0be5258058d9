/**
 * mp2p: encrypted peer-to-peer channels addressed by an Ed25519 public key, over UDP multicast, with
 * no server (Noise IK, WireGuard's timers). What an application calls is exported; the protocol's
 * machinery (engine, wire, noise, cookie, crypto, transport, ...) is not.
 *
 * <pre>{@code
 * module my.app {
 *     requires io.mp2p;
 * }
 * // SecureChannelContext ctx = SecureChannelContext.getInstance("mp2p");   // found through Mp2pProvider
 * }</pre>
 */
module io.mp2p {
    requires org.bouncycastle.provider;
    requires org.slf4j;
    // UPnP-IGD device descriptions and SOAP answers (io.mp2p.portmap), parsed hardened.
    requires java.xml;
    // The command-line tool's libraries: the tool ships them in its own jar; a library user needs neither.
    requires static info.picocli;
    requires static com.google.gson;

    exports io.mp2p;
    exports io.mp2p.identity;
    exports io.mp2p.address;
    exports io.mp2p.provider;
    exports io.mp2p.net;

    // picocli fills the commands' option fields by reflection.
    opens io.mp2p.cli to info.picocli;

    uses java.security.Provider;
    provides java.security.Provider with io.mp2p.provider.Mp2pProvider;
}
