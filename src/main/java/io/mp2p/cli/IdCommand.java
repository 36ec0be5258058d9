package io.mp2p.cli;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import com.google.gson.GsonBuilder;

import io.mp2p.address.GroupAddresses;
import io.mp2p.identity.Mp2pIdentity;
import io.mp2p.identity.PeerKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mp2p id [-k FILE] [--json]}. */
@Command(name = "id", mixinStandardHelpOptions = true,
        description = "Print this node's public key, its X25519 form, its groups and port.")
final class IdCommand implements Callable<Integer> {
    @Mixin
    KeyOption key;

    @Option(names = "--json", description = "print one JSON object")
    boolean json;

    @Option(names = "--port", paramLabel = "N", description = "the port to report (default: ${DEFAULT-VALUE})")
    int port = GroupAddresses.DEFAULT_PORT;

    @Override
    public Integer call() throws CliException {
        OptionChecks.port("--port", port);
        Mp2pIdentity id = key.load();
        PeerKey pub = id.publicKey();
        String x = HexFormat.of().formatHex(pub.x25519PublicKey());
        String v6 = GroupAddresses.toText(GroupAddresses.ipv6(pub));
        String v4 = GroupAddresses.toText(GroupAddresses.ipv4(pub));
        id.destroy();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("public_key", pub.toHex());
            m.put("x25519_public_key", x);
            m.put("ipv6_group", v6);
            m.put("ipv4_group", v4);
            m.put("port", port);
            System.out.println(new GsonBuilder().disableHtmlEscaping().create().toJson(m));
        } else {
            System.out.println("public key:         " + pub.toHex());
            System.out.println("x25519 public key:  " + x);
            System.out.println("host name:          " + pub.hostName());
            System.out.println("ipv6 group:         " + v6);
            System.out.println("ipv4 group:         " + v4);
            System.out.println("port:               " + port);
        }
        return ExitCodes.OK;
    }
}
